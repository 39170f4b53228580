import type { Job } from 'bullmq';

/**
 * One line in the job's own log (shown in the admin console's job detail), stamped with the time.
 * Best effort: a log line that cannot be written never fails the job.
 */
export async function appendJobLog(job: Pick<Job, 'log'>, line: string): Promise<void> {
  await job.log(`${new Date().toISOString()} ${line}`).catch(() => undefined);
}

import type { Job } from 'bullmq';

/**
 * This worker no longer holds the job's lock: it stalled past the lock (paused, swapped out, a long GC)
 * and BullMQ gave the job to another worker. Whatever this attempt produced is not the job's result;
 * BullMQ would refuse it at moveToCompleted anyway (the token check), so its side effects stop here.
 */
export class JobLockLostError extends Error {
  override name = 'JobLockLostError';
  constructor(jobId: string | undefined) {
    super(`Job ${jobId ?? '?'}: this worker lost its lock; another attempt owns the job now`);
  }
}

export function isJobLockLostError(err: unknown): err is JobLockLostError {
  return err instanceof JobLockLostError;
}

/**
 * The worker's lock duration: a job a worker fetched carries that worker as its (protected) `queue`.
 * BullMQ's default otherwise.
 */
function lockDurationOf(job: Job): number {
  const opts = (job as unknown as { queue?: { opts?: { lockDuration?: number } } }).queue?.opts;
  return opts?.lockDuration ?? 30_000;
}

/**
 * true while this worker's token still holds the job's lock, checked in Redis (and renewed, as the lock
 * manager would). A job without a token (a processor called directly, not by a worker) has no lock to
 * lose: true.
 */
export async function isJobLockHeld(job: Job): Promise<boolean> {
  if (!job.token) return true;
  return (await job.extendLock(job.token, lockDurationOf(job))) === 1;
}

/** Throws JobLockLostError unless this worker still holds the job's lock. */
export async function assertJobLockHeld(job: Job): Promise<void> {
  if (!(await isJobLockHeld(job))) throw new JobLockLostError(job.id);
}

/**
 * One attempt's side effect, fenced (docs/adr/0014-fenced-job-attempts.md): nothing is written once
 * another worker owns the job, and a write that lost the lock meanwhile is taken back (best effort), so a
 * worker woken past its lock leaves nothing behind. Name what it writes with `attemptTag`.
 */
export async function writeFenced<T>(
  job: Job,
  write: () => Promise<T>,
  undo: () => Promise<unknown>,
): Promise<T> {
  await assertJobLockHeld(job);
  const written = await write();
  if (await isJobLockHeld(job)) return written;
  await undo().catch(() => undefined);
  throw new JobLockLostError(job.id);
}

/**
 * A name part unique to this start of the job (BullMQ counts every start, stalled restarts included), so
 * two attempts of one job never write the same blob: a late attempt cannot overwrite the accepted one's.
 */
export function attemptTag(job: Pick<Job, 'attemptsStarted'>): string {
  return `s${Math.max(1, job.attemptsStarted)}`;
}

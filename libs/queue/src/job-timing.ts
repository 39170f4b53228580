import type { Job } from 'bullmq';

/**
 * The one definition of a job's wait and run times, shared by the console's percentiles
 * (admin/queue-stats.service.ts) and the Prometheus histograms (run-job.ts), so both say the same.
 * Wait: creation (job.timestamp) to the start of the attempt that ran (processedOn) — for a flow parent
 * this includes its children's work. Run: that start to the finish (or to `now` while it is running).
 */
export function jobWaitMs(job: Pick<Job, 'timestamp' | 'processedOn'>): number | null {
  return job.processedOn ? Math.max(0, job.processedOn - job.timestamp) : null;
}

export function jobRunMs(job: Pick<Job, 'processedOn' | 'finishedOn'>, now = Date.now()): number | null {
  return job.processedOn ? Math.max(0, (job.finishedOn ?? now) - job.processedOn) : null;
}

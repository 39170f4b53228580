import type { Job } from 'bullmq';
import { getMetrics } from '@fjord/observability';
import type { JobFailure } from './job-failure';
import { jobRunMs, jobWaitMs } from './job-timing';

/** How one attempt ended, as the metrics count it. `lost`: another worker owns the job now. */
export type AttemptOutcome =
  | { outcome: 'completed' }
  | { outcome: 'retry' | 'failed'; reason: JobFailure['kind'] }
  | { outcome: 'lost' };

/**
 * Counts one attempt of a job, from run-job.ts (the one place every job passes): its run time by
 * outcome, completions with their wait (the console's definition, job-timing.ts), retries and failures
 * for good by reason class. Labels: queue and job name only.
 */
export function recordJobAttempt(queue: string, job: Job, ended: AttemptOutcome): void {
  const m = getMetrics();
  const labels = { queue, job: job.name };
  const runMs = jobRunMs(job);
  if (runMs !== null) m.jobDuration.observe({ ...labels, outcome: ended.outcome }, runMs / 1000);
  if (ended.outcome === 'completed') {
    m.jobsCompleted.inc(labels);
    const waitMs = jobWaitMs(job);
    if (waitMs !== null) m.jobWait.observe(labels, waitMs / 1000);
  } else if (ended.outcome === 'retry') m.jobRetries.inc({ ...labels, reason: ended.reason });
  else if (ended.outcome === 'failed') m.jobFailures.inc({ ...labels, reason: ended.reason });
}

import type { Queue } from 'bullmq';
import { jobRunMs, jobWaitMs } from '../job-timing';
import { durationStats, perMinuteSeries } from './percentile';
import { JOB_STATES, type JobCounts, type QueueOverview } from './queue-admin.types';

/** Percentiles come from this many of the newest completed jobs (BullMQ keeps them by finish time). */
export const PERCENTILE_SAMPLE = 200;
const WINDOW_MINUTES = 60;

export async function getJobCounts(queue: Queue): Promise<JobCounts> {
  const raw = await queue.getJobCounts(...JOB_STATES);
  return Object.fromEntries(JOB_STATES.map((s) => [s, raw[s] ?? 0])) as JobCounts;
}

/** Counts, last-hour throughput and failure rate, and wait/processing percentiles of one queue. */
export async function getQueueOverview(queue: Queue, now = Date.now()): Promise<QueueOverview> {
  const [counts, isPaused, workers, completed, failed, recent] = await Promise.all([
    getJobCounts(queue),
    queue.isPaused(),
    queue.getWorkersCount(),
    queue.getMetrics('completed', 0, WINDOW_MINUTES),
    queue.getMetrics('failed', 0, WINDOW_MINUTES),
    queue.getJobs('completed', 0, PERCENTILE_SAMPLE - 1, false),
  ]);
  const completedPerMinute = perMinuteSeries(completed, WINDOW_MINUTES, now);
  const failedPerMinute = perMinuteSeries(failed, WINDOW_MINUTES, now);
  const done = completedPerMinute.reduce((a, b) => a + b, 0);
  const lost = failedPerMinute.reduce((a, b) => a + b, 0);
  const waits: number[] = [];
  const runs: number[] = [];
  for (const job of recent) {
    const wait = job ? jobWaitMs(job) : null;
    if (wait === null) continue;
    waits.push(wait);
    if (job.finishedOn) runs.push(jobRunMs(job)!);
  }
  return {
    name: queue.name,
    isPaused,
    counts,
    workers,
    completedPerMinute,
    failedPerMinute,
    failureRate: done + lost > 0 ? lost / (done + lost) : null,
    waitMs: durationStats(waits),
    processMs: durationStats(runs),
    sampleSize: waits.length,
  };
}

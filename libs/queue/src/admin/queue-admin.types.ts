// Browser-safe (zod and constants only): the web app imports this file as @fjord/queue/admin-names.
import { z } from 'zod';
import { QueueName } from '../contracts';

/** Every queue the console shows, in display order. */
export const ADMIN_QUEUES = [
  QueueName.transcode,
  QueueName.db,
  QueueName.email,
  QueueName.maintenance,
] as const;
export const AdminQueueNameSchema = z.enum(ADMIN_QUEUES);

/**
 * The job states BullMQ 6 keeps. "paused" is not a state of its own any more: a paused queue keeps its
 * jobs in `waiting`, and QueueOverview.isPaused says why they do not move.
 */
export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;
export const JobStateSchema = z.enum(JOB_STATES);
export type JobStateName = z.infer<typeof JobStateSchema>;

export type JobCounts = Record<JobStateName, number>;

export type DurationStats = { p50: number | null; p95: number | null };

export type QueueOverview = {
  name: string;
  isPaused: boolean;
  counts: JobCounts;
  workers: number;
  /** Jobs per minute over the last hour, oldest first (60 points), from BullMQ's worker metrics. */
  completedPerMinute: number[];
  failedPerMinute: number[];
  /** failed / (completed + failed) over the last hour; null when nothing finished. */
  failureRate: number | null;
  /** ms from enqueue (job.timestamp) to start (processedOn). */
  waitMs: DurationStats;
  /** ms from start (processedOn) to finish (finishedOn). */
  processMs: DurationStats;
  /** How many of the newest completed jobs the percentiles were computed from. */
  sampleSize: number;
};

export type JobSummary = {
  id: string;
  name: string;
  queue: string;
  state: string;
  mediaId: string | null;
  attemptsMade: number;
  timestamp: number;
  processedOn: number | null;
  finishedOn: number | null;
  failedReason: string | null;
  delayUntil: number | null;
};

export type JobDetail = JobSummary & {
  data: unknown;
  returnValue: unknown;
  progress: unknown;
  attempts: number;
  stacktrace: string[];
  logs: string[];
  logCount: number;
  parent: { id: string; queue: string } | null;
};

export type FlowNode = {
  id: string;
  name: string;
  queue: string;
  state: string;
  timestamp: number;
  processedOn: number | null;
  finishedOn: number | null;
  failedReason: string | null;
  children: FlowNode[];
};

export type WorkerInfo = {
  queue: string;
  rawName: string;
  host: string | null;
  pid: number | null;
  version: string | null;
  concurrency: number | null;
  addr: string | null;
  /** Seconds since the connection opened. */
  ageSeconds: number;
  /** ms timestamp of the last command this worker's connection sent (a blocking wait counts). */
  lastSeenAt: number;
  /** Jobs this worker is processing now (active jobs whose processedBy is its name). */
  running: number;
};

export type JobPage = { items: JobSummary[]; total: number; page: number; pageSize: number };

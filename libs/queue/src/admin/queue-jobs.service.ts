import type { Job, Queue } from 'bullmq';
import { IMAGE_VARIANTS, LEGACY_VIDEO_VARIANT_NAMES, VIDEO_VARIANTS, mediaJobId } from '../contracts';
import type { JobDetail, JobPage, JobStateName, JobSummary } from './queue-admin.types';

export const MAX_JOB_PAGE_SIZE = 100;
const MAX_LOG_LINES = 200;

function mediaIdOf(job: Job): string | null {
  const data = job.data as { mediaId?: unknown } | undefined;
  if (typeof data?.mediaId === 'string') return data.mediaId;
  return /^media\.([0-9a-f-]{36})\./.exec(job.id ?? '')?.[1] ?? null;
}

export function toJobSummary(job: Job, queue: string, state: string): JobSummary {
  const delay = job.opts?.delay ?? 0;
  return {
    id: job.id ?? '',
    name: job.name,
    queue,
    state,
    mediaId: mediaIdOf(job),
    attemptsMade: job.attemptsMade,
    timestamp: job.timestamp,
    processedOn: job.processedOn ?? null,
    finishedOn: job.finishedOn ?? null,
    failedReason: job.failedReason || null,
    delayUntil: delay > 0 ? job.timestamp + delay : null,
  };
}

/**
 * One page of one state, newest first. getJobs(start, end) reads only that range of the state's
 * list/zset, so a page costs the same with 10 or 100,000 jobs in the queue.
 */
export async function listJobs(
  queue: Queue,
  input: { state: JobStateName; page: number; pageSize: number },
): Promise<JobPage> {
  const pageSize = Math.min(Math.max(1, input.pageSize), MAX_JOB_PAGE_SIZE);
  const page = Math.max(0, input.page);
  const start = page * pageSize;
  const [jobs, counts] = await Promise.all([
    queue.getJobs(input.state, start, start + pageSize - 1, false),
    queue.getJobCounts(input.state),
  ]);
  return {
    items: jobs.filter(Boolean).map((job) => toJobSummary(job, queue.name, input.state)),
    total: counts[input.state] ?? 0,
    page,
    pageSize,
  };
}

/** The job with this id in any of the queues, with its current state. */
export async function findJob(
  queues: readonly Queue[],
  id: string,
): Promise<{ job: Job; queue: Queue; state: string } | null> {
  for (const queue of queues) {
    const job = await queue.getJob(id);
    if (job) return { job, queue, state: await job.getState() };
  }
  return null;
}

/** Every job id a media's flow can have (deterministic, see contracts.mediaJobId). */
export function mediaFlowJobIds(mediaId: string): string[] {
  return [
    mediaJobId(mediaId, 'notify'),
    mediaJobId(mediaId, 'finalize'),
    ...[...IMAGE_VARIANTS, ...VIDEO_VARIANTS].map((v) => mediaJobId(mediaId, 'transcode', v.name)),
    // Flows enqueued before the download MP4 came from the ladder (ADR 0026) may still hold these.
    ...LEGACY_VIDEO_VARIANT_NAMES.map((name) => mediaJobId(mediaId, 'transcode', name)),
  ];
}

/** Search by exact job id, or by media ids (their flow's jobs); at most `limit` results. */
export async function searchJobs(
  queues: readonly Queue[],
  input: { jobId?: string; mediaIds?: string[]; limit?: number },
): Promise<JobSummary[]> {
  const ids = [
    ...(input.jobId ? [input.jobId] : []),
    ...(input.mediaIds ?? []).flatMap((m) => mediaFlowJobIds(m)),
  ];
  const found: JobSummary[] = [];
  for (const id of ids) {
    if (found.length >= (input.limit ?? 100)) break;
    const hit = await findJob(queues, id);
    if (hit) found.push(toJobSummary(hit.job, hit.queue.name, hit.state));
  }
  return found;
}

function parseParent(job: Job): JobDetail['parent'] {
  if (!job.parent) return null;
  // parent.queueKey is "<prefix>:<queue>"
  const queue = job.parent.queueKey.split(':').at(-1) ?? '';
  return { id: job.parent.id ?? '', queue };
}

export async function getJobDetail(queues: readonly Queue[], id: string): Promise<JobDetail | null> {
  const hit = await findJob(queues, id);
  if (!hit) return null;
  const { job, queue, state } = hit;
  const { logs, count } = await queue.getJobLogs(id, 0, MAX_LOG_LINES - 1, true);
  return {
    ...toJobSummary(job, queue.name, state),
    data: job.data,
    returnValue: job.returnvalue ?? null,
    progress: job.progress,
    attempts: job.opts.attempts ?? 1,
    stacktrace: job.stacktrace ?? [],
    logs,
    logCount: count,
    parent: parseParent(job),
  };
}

import type { Queue } from 'bullmq';
import { mediaFlowJobIds } from './admin/queue-jobs.service';
import { mediaJobId } from './contracts';
import type { Queues } from './queues';

/**
 * What Redis holds of a media's flow, judged by its root (the notify job, which runs last):
 * - `live`: the root exists and has not finished, so the flow will still reach an outcome;
 * - `finished`: the root completed or failed; its jobs may still be retained for the console;
 * - `missing`: no root at all (never added, removed, or Redis lost it).
 * The one definition the enqueuer, the reconciler and reprocess share.
 */
export type MediaFlowState = 'live' | 'finished' | 'missing';

const FINISHED_JOB_STATES: ReadonlySet<string> = new Set(['completed', 'failed']);

/** From the root job's BullMQ state (`null`/`undefined`/`'unknown'` when the job does not exist). */
export function mediaFlowStateOf(rootState: string | null | undefined): MediaFlowState {
  if (!rootState || rootState === 'unknown') return 'missing';
  return FINISHED_JOB_STATES.has(rootState) ? 'finished' : 'live';
}

export async function getMediaFlowState(
  queues: Pick<Queues, 'email'>,
  mediaId: string,
): Promise<MediaFlowState> {
  const root = await queues.email.getJob(mediaJobId(mediaId, 'notify'));
  return mediaFlowStateOf(root ? await root.getState() : undefined);
}

/**
 * Whether any root of the media's flow is in Redis, finished or not (`getMediaFlowState` ≠ `missing`):
 * one EXISTS on the job's hash, where reading the state costs a fetch of the whole job and a script.
 */
export async function mediaFlowExists(
  queues: Pick<Queues, 'email' | 'connection'>,
  mediaId: string,
): Promise<boolean> {
  await queues.email.waitUntilReady(); // the connection is fail-fast: no offline queue to wait in
  return (await queues.connection.exists(queues.email.toKey(mediaJobId(mediaId, 'notify')))) === 1;
}

/**
 * Removes whatever is left of a media's flow that is not live (a finished root with its children, or
 * children left behind without their root), root first. Stops at an active job, whose worker holds
 * its lock: the caller tries again later.
 */
export async function removeMediaFlowJobs(
  queues: Pick<Queues, 'email' | 'db' | 'transcode'>,
  mediaId: string,
): Promise<{ removed: number; activeJobId?: string }> {
  const queueOf = (id: string): Queue =>
    id.endsWith('.notify') ? queues.email : id.endsWith('.finalize') ? queues.db : queues.transcode;
  let removed = 0;
  for (const id of mediaFlowJobIds(mediaId)) {
    const job = await queueOf(id).getJob(id);
    if (!job) continue;
    if ((await job.getState()) === 'active') return { removed, activeJobId: id };
    await job.remove();
    removed++;
  }
  return { removed };
}

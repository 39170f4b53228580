import { enqueueMediaRun } from './fair-priority';
import { transitionMedia, type DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import {
  mediaFlowJobIds,
  mediaFlowStateOf,
  mediaJobId,
  variantNamesFor,
  type MediaFlowEnqueuer,
  type QueueAdmin,
} from '@fjord/queue';

export type ReprocessMediaDeps = {
  db: DbClient;
  queueAdmin: Pick<QueueAdmin, 'getJobState' | 'removeJob'>;
  enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
};

async function assertFlowNotRunning(deps: ReprocessMediaDeps, mediaId: string): Promise<void> {
  const root = await deps.queueAdmin.getJobState(mediaJobId(mediaId, 'notify'));
  if (mediaFlowStateOf(root?.state) === 'live') {
    throw new AppError('conflict', 'This media is still being processed; wait until its flow has finished.');
  }
}

/** Removes every job of the media's old flow; the root first, which takes its children with it. */
async function removeFinishedFlowJobs(deps: ReprocessMediaDeps, mediaId: string): Promise<number> {
  let removed = 0;
  for (const id of mediaFlowJobIds(mediaId)) {
    const result = await deps.queueAdmin.removeJob(id);
    if (result.state === 'active') {
      throw new AppError('conflict', 'A job of this media is running right now; try again in a moment.');
    }
    if (result.changed) removed++;
  }
  return removed;
}

/**
 * Re-runs a media's whole flow (image or video) under the same deterministic job ids (admin console,
 * REST, CLI; authz is the caller's job): refused while the flow runs, the old flow's jobs are removed
 * (docs/adr/0003-admin-console.md), the row goes back to QUEUED, and the flow is added again as a new
 * processing run. The run writes its renditions under its own keys, so the previous renditions stay
 * whole until finalize swaps the whole set in one transaction and then deletes the old files.
 */
export function createMediaReprocessing(deps: ReprocessMediaDeps) {
  return async function reprocessMedia(mediaId: string): Promise<{ removedJobs: number }> {
    const media = await deps.db.media.findUnique({
      where: { id: mediaId },
      select: { id: true, kind: true, run: true, traceparent: true, tracestate: true },
    });
    if (!media) throw new AppError('not_found', 'This media does not exist.');
    await assertFlowNotRunning(deps, mediaId);
    const removedJobs = await removeFinishedFlowJobs(deps, mediaId);
    const variants = variantNamesFor(media.kind);
    // A new run: jobs of the previous one that still arrive change nothing (ADR 0015).
    const run = media.run + 1;
    const isQueued = await transitionMedia(
      deps.db,
      mediaId,
      'reprocess',
      { variantsTotal: variants.length, run },
      { run: media.run },
    );
    if (!isQueued) {
      throw new AppError(
        'conflict',
        'This media is still being processed; wait until its flow has finished.',
      );
    }
    await enqueueMediaRun(deps, media, run);
    return { removedJobs };
  };
}

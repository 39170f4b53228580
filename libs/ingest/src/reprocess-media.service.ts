import { enqueueMediaRun } from './fair-priority';
import { transitionMedia, type DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import {
  getMediaFlowState,
  removeMediaFlowJobs,
  variantNamesFor,
  type MediaFlowEnqueuer,
  type Queues,
} from '@fjord/queue';

export type ReprocessMediaDeps = {
  db: DbClient;
  queues: Pick<Queues, 'email' | 'db' | 'transcode'>;
  enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
};

const STILL_RUNNING = 'This media is still being processed; wait until its flow has finished.';

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
    if ((await getMediaFlowState(deps.queues, mediaId)) === 'live') {
      throw new AppError('conflict', STILL_RUNNING);
    }
    // The old flow's jobs go (the root first, which takes its children with it), under the same job ids.
    const { removed: removedJobs, activeJobId } = await removeMediaFlowJobs(deps.queues, mediaId);
    if (activeJobId) {
      throw new AppError('conflict', 'A job of this media is running right now; try again in a moment.');
    }
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
    if (!isQueued) throw new AppError('conflict', STILL_RUNNING);
    await enqueueMediaRun(deps, media, run);
    return { removedJobs };
  };
}

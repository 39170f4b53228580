import type { DbClient } from '@fjord/db';
import {
  mediaFlowJobIds,
  type MediaEventPublisher,
  type QueueAdmin,
  type QueueLogger,
  type Queues,
} from '@fjord/queue';
import { imageCachePrefix, mediaPrefix, type BlobStore } from '@fjord/storage';
import { emitMediaWebhookEvent, type WebhookQueueConfig } from '@fjord/webhooks';

export type DeleteMediaDeps = {
  db: DbClient;
  storage: Pick<BlobStore, 'deletePrefix'>;
  events: Pick<MediaEventPublisher, 'publish'>;
  queueAdmin: Pick<QueueAdmin, 'removeJob'>;
  queues: Pick<Queues, 'webhooks'>;
  config: WebhookQueueConfig;
  logger: QueueLogger;
};

export type DeleteMediaResult = { deleted: boolean; removedJobs: number };

/**
 * Removes every job of the media's flow that is not running (the root first, which takes its pending
 * children with it). An active job is left to finish: it re-checks the row, finds it gone and does nothing.
 */
async function removeFlowJobs(deps: DeleteMediaDeps, mediaId: string): Promise<number> {
  let removed = 0;
  for (const id of mediaFlowJobIds(mediaId)) {
    try {
      const result = await deps.queueAdmin.removeJob(id);
      if (result.changed) removed++;
    } catch (err) {
      // BullMQ refuses to remove a parent whose child is locked by a worker; its pending children are
      // still removed one by one on the next turns of this loop.
      deps.logger.warn({ err, mediaId, jobId: id }, 'could not remove a job of a deleted media');
    }
  }
  return removed;
}

/**
 * The one media deletion (tRPC media.delete, REST DELETE /api/v1/media/:id, the admin console); authz
 * is the caller's job. The row first, so every job that starts or finishes from now on sees it gone;
 * then the "deleted" event, on which worker-transcode kills the ffmpeg still working on it; then the
 * flow's pending jobs; then every blob under its prefixes (files, image cache); last the `media.deleted` webhook to the owner's
 * endpoints. A worker that stored a rendition in the meantime re-checks the row and removes its own file.
 */
export function createMediaDeletion(deps: DeleteMediaDeps) {
  const { db, storage, events, logger } = deps;
  return async function deleteMedia(mediaId: string): Promise<DeleteMediaResult> {
    const snapshot = await db.media.findUnique({
      where: { id: mediaId },
      select: { id: true, ownerId: true, kind: true, status: true, error: true },
    });
    if (!snapshot) return { deleted: false, removedJobs: 0 };
    // The row and its bytes off the owner's storage quota in one statement (docs/adr/0021).
    const [gone] = await db.$queryRaw<{ n: number }[]>`
      WITH d AS (DELETE FROM "Media" WHERE "id" = ${mediaId}::uuid RETURNING "ownerId", "sizeBytes"),
      u AS (
        UPDATE "User" SET "storageBytesUsed" = GREATEST(0, "storageBytesUsed" - d."sizeBytes")
        FROM d WHERE "User"."id" = d."ownerId" RETURNING 1
      )
      SELECT count(*)::int AS n FROM d`;
    if (!gone || gone.n === 0) return { deleted: false, removedJobs: 0 };
    await events
      .publish({ mediaId, type: 'deleted' })
      .catch((err: unknown) => logger.warn({ err, mediaId }, 'could not announce the delete'));
    const removedJobs = await removeFlowJobs(deps, mediaId);
    await storage.deletePrefix(mediaPrefix(mediaId));
    // Its rendered transforms (their rows went with the media: ON DELETE CASCADE).
    await storage.deletePrefix(imageCachePrefix(mediaId));
    await emitMediaWebhookEvent(deps, {
      event: 'media.deleted',
      mediaId,
      snapshot: { ...snapshot, finishedAt: null },
    }).catch((err: unknown) => logger.error({ err, mediaId }, 'could not queue the media.deleted webhook'));
    logger.info({ mediaId, removedJobs }, 'media deleted');
    return { deleted: true, removedJobs };
  };
}

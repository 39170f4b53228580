import type { DbClient } from '@fjord/db';
import {
  mediaJobId,
  newProcessingRun,
  variantNamesFor,
  type MediaFlowEnqueuer,
  type QueueLogger,
  type Queues,
} from '@fjord/queue';

export type SweepStuckMediaDeps = {
  db: DbClient;
  queues: Pick<Queues, 'db'>;
  enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
  staleAfterMs: number;
  logger: QueueLogger;
  batchSize?: number;
};

/**
 * Re-enqueues media that have waited in UPLOADED or QUEUED longer than `staleAfterMs` with no finalize job in Redis:
 * the upload was stored and recorded but its flow never made it (crash or Redis outage in between).
 * Safe to run anywhere, any number of times: job ids are deterministic.
 */
export async function sweepStuckMedia(deps: SweepStuckMediaDeps): Promise<{ requeued: string[] }> {
  const { db, queues, enqueuer, logger } = deps;
  const cutoff = new Date(Date.now() - deps.staleAfterMs);
  const stuck = await db.media.findMany({
    where: {
      status: { in: ['UPLOADED', 'QUEUED'] },
      OR: [{ queuedAt: { lt: cutoff } }, { queuedAt: null, createdAt: { lt: cutoff } }],
    },
    select: { id: true, kind: true },
    orderBy: { createdAt: 'asc' },
    take: deps.batchSize ?? 100,
  });
  const requeued: string[] = [];
  for (const media of stuck) {
    if (await queues.db.getJob(mediaJobId(media.id, 'finalize'))) continue;
    try {
      const { enqueued } = await enqueuer.enqueueMediaFlow({
        mediaId: media.id,
        kind: media.kind,
        variants: variantNamesFor(media.kind),
        requestId: `sweeper-${media.id}`,
        // Possibly a reprocess that lost its flow: a fresh run never overwrites files still in use.
        run: newProcessingRun(),
      });
      if (enqueued) requeued.push(media.id);
    } catch (err) {
      logger.error({ err, mediaId: media.id }, 'sweeper could not re-enqueue media');
    }
  }
  if (requeued.length > 0) logger.warn({ requeued }, 're-enqueued media stuck in UPLOADED/QUEUED');
  return { requeued };
}

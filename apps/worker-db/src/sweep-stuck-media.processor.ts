import { sweepStuckMedia } from '@fjord/ingest';
import type { DbClient } from '@fjord/db';
import type { MediaFlowEnqueuer, QueueLogger, Queues } from '@fjord/queue';

export type SweepProcessorDeps = {
  db: DbClient;
  queues: Pick<Queues, 'db'>;
  enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
  staleAfterMs: number;
  logger: QueueLogger;
};

/**
 * The maintenance job scheduled every SWEEPER_INTERVAL_MS: re-enqueue uploads whose flow was lost, and
 * drop Idempotency-Key rows past their 24 h (indexed on expiresAt, so this is cheap).
 */
export function createSweepProcessor(deps: SweepProcessorDeps) {
  return async function processSweepJob(): Promise<{ requeued: string[]; expiredIdempotencyKeys: number }> {
    const { requeued } = await sweepStuckMedia(deps);
    const { count } = await deps.db.idempotencyKey.deleteMany({ where: { expiresAt: { lte: new Date() } } });
    return { requeued, expiredIdempotencyKeys: count };
  };
}

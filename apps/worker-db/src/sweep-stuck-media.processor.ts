import { redriveNotifications, sweepStuckMedia } from '@fjord/ingest';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import type { MediaFlowEnqueuer, QueueLogger, Queues } from '@fjord/queue';
import { redriveWebhookDeliveries } from '@fjord/webhooks';

export type SweepProcessorDeps = {
  db: DbClient;
  queues: Pick<Queues, 'email' | 'db' | 'transcode' | 'webhooks'>;
  enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
  config: Pick<
    Config,
    'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS' | 'QUEUE_PREFIX' | 'WEBHOOK_ATTEMPTS' | 'WEBHOOK_BACKOFF_MS'
  >;
  staleAfterMs: number;
  logger: QueueLogger;
};

export type SweepResult = {
  requeued: string[];
  renotified: string[];
  redelivered: string[];
  expiredIdempotencyKeys: number;
  expiredSessions: number;
};

/**
 * The maintenance job scheduled every SWEEPER_INTERVAL_MS, the reconciler: re-drive media, emails and
 * webhook deliveries Postgres still owes but Redis lost, then drop Idempotency-Key rows and sessions
 * past their expiry (both indexed on expiresAt, so this is cheap).
 */
export function createSweepProcessor(deps: SweepProcessorDeps) {
  return async function processSweepJob(): Promise<SweepResult> {
    const { requeued } = await sweepStuckMedia(deps);
    const { renotified } = await redriveNotifications(deps);
    const { redelivered } = await redriveWebhookDeliveries(deps);
    const now = new Date();
    const keys = await deps.db.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } });
    const sessions = await deps.db.session.deleteMany({ where: { expiresAt: { lte: now } } });
    return {
      requeued,
      renotified,
      redelivered,
      expiredIdempotencyKeys: keys.count,
      expiredSessions: sessions.count,
    };
  };
}

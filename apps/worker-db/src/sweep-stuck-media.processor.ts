import {
  redriveAccountEmails,
  redriveNotifications,
  resumeErasures,
  sweepOrphanBlobs,
  sweepStuckMedia,
  type UserErasure,
} from '@fjord/ingest';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import type { MediaFlowEnqueuer, QueueLogger, Queues } from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';
import { redriveWebhookDeliveries } from '@fjord/webhooks';

export type SweepProcessorDeps = {
  db: DbClient;
  queues: Pick<Queues, 'email' | 'db' | 'transcode' | 'webhooks'>;
  enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
  config: Pick<
    Config,
    | 'JOB_ATTEMPTS'
    | 'JOB_BACKOFF_MS'
    | 'QUEUE_PREFIX'
    | 'WEBHOOK_ATTEMPTS'
    | 'WEBHOOK_BACKOFF_MS'
    | 'ORPHAN_SWEEP_INTERVAL_MS'
    | 'ORPHAN_BLOB_GRACE_MS'
  >;
  /** Listed for orphan files; without it (tests of the other halves) that half is skipped. */
  storage?: Pick<BlobStore, 'list' | 'delete' | 'deletePrefix' | 'removePartial'>;
  staleAfterMs: number;
  logger: QueueLogger;
  /** Finishes erasures a crash interrupted (docs/adr/0018); without it that step is skipped. */
  eraseUser?: UserErasure;
};

export type SweepResult = {
  requeued: string[];
  renotified: string[];
  redelivered: string[];
  expiredIdempotencyKeys: number;
  expiredSessions: number;
  /** Orphan files removed, when this run listed storage (at most every ORPHAN_SWEEP_INTERVAL_MS). */
  orphansRemoved?: number;
  resumedErasures?: number;
  /** Verification mails whose job Redis lost, queued again. */
  resentAccountEmails?: number;
};

/**
 * The maintenance job scheduled every SWEEPER_INTERVAL_MS, the reconciler: re-drive media, emails and
 * webhook deliveries Postgres still owes but Redis lost, then drop Idempotency-Key rows and sessions
 * past their expiry (both indexed on expiresAt, so this is cheap); now and then, list storage for files
 * crashes left that nothing refers to (a pass resumes where the previous one stopped).
 */
export function createSweepProcessor(deps: SweepProcessorDeps) {
  let lastOrphanSweepAt = 0;
  const orphanCursor: { after?: string } = {};

  async function sweepOrphansWhenDue(): Promise<number | undefined> {
    const { storage, config } = deps;
    if (!storage || Date.now() - lastOrphanSweepAt < config.ORPHAN_SWEEP_INTERVAL_MS) return undefined;
    lastOrphanSweepAt = Date.now();
    const { removed } = await sweepOrphanBlobs(
      { db: deps.db, storage, graceMs: config.ORPHAN_BLOB_GRACE_MS, logger: deps.logger },
      orphanCursor,
    );
    return removed.length;
  }

  return async function processSweepJob(): Promise<SweepResult> {
    const { requeued } = await sweepStuckMedia(deps);
    const { renotified } = await redriveNotifications(deps);
    const { redelivered } = await redriveWebhookDeliveries(deps);
    const { resent } = await redriveAccountEmails(deps);
    const now = new Date();
    const keys = await deps.db.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } });
    const sessions = await deps.db.session.deleteMany({ where: { expiresAt: { lte: now } } });
    const orphansRemoved = await sweepOrphansWhenDue();
    const { eraseUser } = deps;
    const resumedErasures = eraseUser ? await resumeErasures({ ...deps, eraseUser }) : 0;
    return {
      ...(resumedErasures > 0 ? { resumedErasures } : {}),
      ...(resent.length > 0 ? { resentAccountEmails: resent.length } : {}),
      ...(orphansRemoved === undefined ? {} : { orphansRemoved }),
      requeued,
      renotified,
      redelivered,
      expiredIdempotencyKeys: keys.count,
      expiredSessions: sessions.count,
    };
  };
}

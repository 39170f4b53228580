import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { authThrottleKey, rateLimitKey, type QueueLogger } from '@fjord/queue';
import { mediaPrefix, type BlobStore } from '@fjord/storage';
import type { DeleteMediaResult } from '../delete-media.service';
import { removeQueueTraces, type QueueTracesDeps } from './queue-traces';
import { removeOpenUploads } from './tus-uploads';

export type EraseUserDeps = {
  db: DbClient;
  /** The one media deletion (ADR 0007), run for each media of the person. */
  deleteMedia: (mediaId: string) => Promise<DeleteMediaResult>;
  storage: Pick<BlobStore, 'deletePrefix'>;
  queues: QueueTracesDeps['queues'];
  config: Pick<Config, 'QUEUE_PREFIX' | 'dataDir' | 'mailOutboxDir'>;
  logger: QueueLogger;
};

export type EraseUserResult = {
  erased: boolean;
  media: number;
  uploads: number;
  outboxFiles: number;
  redis: { jobs: number; events: number; uploads: number };
};

/** What an audit entry says instead of an erased person's id or one of their objects' ids. */
export const ERASED_MARKER = 'erased';
const MAX_MEDIA_ROUNDS = 3;

async function anonymizeAudit(db: DbClient, userId: string, ids: string[], needles: string[]) {
  await db.$executeRaw`UPDATE "AuditLog" SET "actorId" = NULL WHERE "actorId" = ${userId}::uuid`;
  // Contained, not equal: a job's id (`media.<id>.transcode.…`) names its media.
  await db.$executeRaw`UPDATE "AuditLog" SET "targetId" = ${ERASED_MARKER}
    WHERE EXISTS (SELECT 1 FROM unnest(${ids}::text[]) n WHERE strpos(lower("targetId"), lower(n)) > 0)`;
  await db.$executeRaw`UPDATE "AuditLog" SET "meta" = '{"erased":true}'::jsonb
    WHERE EXISTS (SELECT 1 FROM unnest(${needles}::text[]) n WHERE strpos(lower("meta"::text), lower(n)) > 0)`;
}

/** Mail in the outbox folder for one of the media, or addressed to the person. */
async function removeOutboxFiles(dir: string, mediaIds: string[], email: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const isTheirs =
      mediaIds.some((id) => name.includes(id)) ||
      (await readFile(file, 'utf8').catch(() => '')).toLowerCase().includes(email);
    if (!isTheirs) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}

/**
 * Erases a person (GDPR art. 17; docs/adr/0018-erasure-and-export.md). Every step is idempotent and
 * reads what is left from Postgres, so a crash anywhere is finished by running it again (the CLI, the
 * console, or `resumeErasures`). The order: mark the account erasing (no sign-in, no session, no key
 * from then on); strip the person from the audit log while every id is still known; sessions, keys,
 * invites, webhooks; outbox mail and unfinished uploads; each media through the one deletion (blobs
 * first too, so a crash between row and files leaves no file); Redis traces; the user row last.
 * Authz is the caller's.
 */
export function createUserErasure(deps: EraseUserDeps) {
  const { db, logger } = deps;

  return async function eraseUser(input: {
    userId: string;
    actorId?: string | null;
  }): Promise<EraseUserResult> {
    const user = await db.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true } });
    const result: EraseUserResult = {
      erased: false,
      media: 0,
      uploads: 0,
      outboxFiles: 0,
      redis: { jobs: 0, events: 0, uploads: 0 },
    };
    if (!user) return result;
    const { id: userId, email } = user;
    const now = new Date();
    await db.user.updateMany({ where: { id: userId, erasingAt: null }, data: { erasingAt: now } });
    await db.user.updateMany({ where: { id: userId, disabledAt: null }, data: { disabledAt: now } });

    const [media, keys, endpoints, sessions] = await Promise.all([
      db.media.findMany({ where: { ownerId: userId }, select: { id: true } }),
      db.apiKey.findMany({ where: { userId }, select: { id: true, prefix: true } }),
      db.webhookEndpoint.findMany({
        where: { userId },
        select: { id: true, deliveries: { select: { id: true } } },
      }),
      db.session.findMany({ where: { userId }, select: { id: true } }),
    ]);
    const mediaIds = media.map((m) => m.id);
    const ids = [
      userId,
      ...mediaIds,
      ...keys.map((k) => k.id),
      ...endpoints.flatMap((e) => [e.id, ...e.deliveries.map((d) => d.id)]),
      ...sessions.map((s) => s.id),
    ];
    await anonymizeAudit(db, userId, ids, [...ids, email, ...keys.map((k) => k.prefix)]);

    await db.session.deleteMany({ where: { userId } });
    const redis = deps.queues.connection;
    const emailHash = createHash('sha256').update(email).digest('hex');
    await redis.del(
      authThrottleKey(deps.config.QUEUE_PREFIX, 'signin-account', emailHash),
      authThrottleKey(deps.config.QUEUE_PREFIX, 'signup-account', emailHash),
      ...keys.map((k) => rateLimitKey(deps.config.QUEUE_PREFIX, k.id)),
    );
    await db.apiKey.deleteMany({ where: { userId } }); // idempotency rows go with their key
    await db.invite.deleteMany({ where: { email } });
    await db.invite.updateMany({ where: { createdById: userId }, data: { createdById: null } });
    // Before the media: their media.deleted events then find no endpoint to go to.
    await db.webhookEndpoint.deleteMany({ where: { userId } }); // deliveries and attempts cascade

    result.outboxFiles = await removeOutboxFiles(deps.config.mailOutboxDir, mediaIds, email);
    result.uploads = await removeOpenUploads(path.join(deps.config.dataDir, 'tus'), userId);

    for (let round = 0; round < MAX_MEDIA_ROUNDS; round++) {
      const left = await db.media.findMany({ where: { ownerId: userId }, select: { id: true } });
      for (const { id } of left) {
        await deps.storage.deletePrefix(mediaPrefix(id));
        await deps.deleteMedia(id);
        result.media++;
      }
      // Whatever the media's last jobs wrote meanwhile (a notify job that was running).
      result.outboxFiles += await removeOutboxFiles(
        deps.config.mailOutboxDir,
        left.map((m) => m.id),
        email,
      );
      result.redis = await removeQueueTraces(
        { db, queues: deps.queues, prefix: deps.config.QUEUE_PREFIX, logger },
        { userId, email },
      );
      // Last, and only when nothing of theirs is left: an upload that finished meanwhile means another round.
      const { count } = await db.user.deleteMany({ where: { id: userId, media: { none: {} } } });
      if (count === 1) {
        await anonymizeAudit(db, userId, [userId], [userId, email]);
        await db.auditLog.create({
          data: {
            actorId: input.actorId && input.actorId !== userId ? input.actorId : null,
            action: 'user.erase',
            targetType: 'user',
            targetId: ERASED_MARKER,
            meta: { media: result.media, uploads: result.uploads },
          },
          select: { id: true },
        });
        logger.info({ media: result.media }, 'user erased');
        return { ...result, erased: true };
      }
    }
    throw new Error('The account kept receiving uploads while being erased; run the erasure again.');
  };
}

export type UserErasure = ReturnType<typeof createUserErasure>;

/** Finishes every erasure a crash interrupted (the maintenance job, and boot). */
export async function resumeErasures(
  deps: Pick<EraseUserDeps, 'db' | 'logger'> & { eraseUser: UserErasure },
): Promise<number> {
  const pending = await deps.db.user.findMany({ where: { erasingAt: { not: null } }, select: { id: true } });
  for (const { id } of pending) await deps.eraseUser({ userId: id });
  if (pending.length > 0) deps.logger.info({ resumed: pending.length }, 'unfinished erasures completed');
  return pending.length;
}

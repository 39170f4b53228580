import type { DbClient } from './client';

type Tx = Pick<DbClient, '$executeRaw'>;

/**
 * Adds a video's probed duration to its owner's per-UTC-day counter (docs/adr/0021). The caller counts a
 * media once (finalize: in the commit that first records its duration). A deletion never takes minutes
 * off, so deleting videos cannot reopen the day's allowance.
 */
export async function countVideoMinutes(tx: Tx, mediaId: string, durationMs: number, now = new Date()) {
  const day = now.toISOString().slice(0, 10);
  const ms = BigInt(Math.max(0, Math.round(durationMs)));
  await tx.$executeRaw`
    UPDATE "User" u SET
      "videoMsToday" = (CASE WHEN u."videoDay" = ${day}::date THEN u."videoMsToday" ELSE 0 END) + ${ms}::bigint,
      "videoDay" = ${day}::date
    FROM "Media" m
    WHERE m."id" = ${mediaId}::uuid AND m."ownerId" = u."id"`;
}

import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';

/**
 * Per-user quotas (docs/adr/0021): storage bytes, uploads per UTC day, video minutes per UTC day. Each
 * limit is the user's override (`User.quota*`) or else the config default; 0 means unlimited.
 * Storage and the upload count move only through one guarded UPDATE of the user's row, so two parallel
 * uploads cannot both take the last byte or the last upload of the day: Postgres re-checks the WHERE
 * of the second against the row the first committed.
 */
export type QuotaConfig = Pick<
  Config,
  'QUOTA_STORAGE_BYTES' | 'QUOTA_UPLOADS_PER_DAY' | 'QUOTA_VIDEO_MINUTES_PER_DAY'
>;

export type QuotaLimits = { storageBytes: number; uploadsPerDay: number; videoMinutesPerDay: number };
export type QuotaOverrides = { [K in keyof QuotaLimits]: number | null };
export type QuotaUsage = { storageBytes: number; uploadsToday: number; videoMinutesToday: number };
export type QuotaReport = { limits: QuotaLimits; overrides: QuotaOverrides; usage: QuotaUsage };

export type Reservation = { bytes: number; uploads: number };
export type QuotaService = ReturnType<typeof createQuotaService>;

const MB = 1024 * 1024;
function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${Math.round((bytes / 1024 ** 3) * 10) / 10} GB`;
  return `${Math.round((bytes / MB) * 10) / 10} MB`;
}

/** The UTC day as Postgres DATE text, and its first instant. */
export function utcDay(now: Date): { day: string; start: Date } {
  const day = now.toISOString().slice(0, 10);
  return { day, start: new Date(`${day}T00:00:00.000Z`) };
}

const TOMORROW = 'Nothing was kept; your daily allowance starts again at 00:00 UTC.';

export function createQuotaService(deps: { db: DbClient; config: QuotaConfig; now?: () => Date }) {
  const { db, config } = deps;
  const now = deps.now ?? (() => new Date());

  async function report(userId: string): Promise<QuotaReport | null> {
    const user = await db.user.findUnique({
      where: { id: userId },
      select: {
        quotaStorageBytes: true,
        quotaUploadsPerDay: true,
        quotaVideoMinutesPerDay: true,
        storageBytesUsed: true,
        uploadsDay: true,
        uploadsToday: true,
        videoDay: true,
        videoMsToday: true,
      },
    });
    if (!user) return null;
    const { day } = utcDay(now());
    const videoMs = user.videoDay?.toISOString().slice(0, 10) === day ? Number(user.videoMsToday) : 0;
    const overrides: QuotaOverrides = {
      storageBytes: user.quotaStorageBytes === null ? null : Number(user.quotaStorageBytes),
      uploadsPerDay: user.quotaUploadsPerDay,
      videoMinutesPerDay: user.quotaVideoMinutesPerDay,
    };
    return {
      overrides,
      limits: {
        storageBytes: overrides.storageBytes ?? config.QUOTA_STORAGE_BYTES,
        uploadsPerDay: overrides.uploadsPerDay ?? config.QUOTA_UPLOADS_PER_DAY,
        videoMinutesPerDay: overrides.videoMinutesPerDay ?? config.QUOTA_VIDEO_MINUTES_PER_DAY,
      },
      usage: {
        storageBytes: Number(user.storageBytesUsed),
        uploadsToday: user.uploadsDay?.toISOString().slice(0, 10) === day ? user.uploadsToday : 0,
        videoMinutesToday: Math.round((videoMs / 60_000) * 10) / 10,
      },
    };
  }

  /** Why a reservation was refused, in words a person understands (413 storage, 429 daily limits). */
  async function refusal(userId: string, name: string, bytes: number, video = false): Promise<AppError> {
    const r = await report(userId);
    if (!r) return new AppError('forbidden', 'This account no longer exists.');
    const { limits, usage } = r;
    if (video && limits.videoMinutesPerDay > 0 && usage.videoMinutesToday >= limits.videoMinutesPerDay) {
      return new AppError(
        'daily_quota_exceeded',
        `You have uploaded ${usage.videoMinutesToday} minutes of video today, your daily limit of ${limits.videoMinutesPerDay} minutes. ${TOMORROW}`,
        { limitMinutes: limits.videoMinutesPerDay, usedMinutes: usage.videoMinutesToday },
      );
    }
    if (limits.uploadsPerDay > 0 && usage.uploadsToday >= limits.uploadsPerDay) {
      return new AppError(
        'daily_quota_exceeded',
        `You have uploaded ${usage.uploadsToday} files today, your daily limit of ${limits.uploadsPerDay}. ${TOMORROW}`,
        { limit: limits.uploadsPerDay, used: usage.uploadsToday },
      );
    }
    return storageRefusal(name, bytes, usage.storageBytes, limits.storageBytes);
  }

  function storageRefusal(name: string, bytes: number, used: number, limit: number): AppError {
    const left = Math.max(0, limit - used);
    const size = bytes > 0 ? ` (${formatBytes(bytes)})` : '';
    return new AppError(
      'quota_exceeded',
      `${name}${size} does not fit in your storage quota: you use ${formatBytes(used)} of ${formatBytes(limit)}, ` +
        `${formatBytes(left)} left. Nothing was kept; delete some media or ask an administrator for more room.`,
      { limitBytes: limit, usedBytes: used },
    );
  }

  /**
   * Adds `bytes` to the user's storage and `uploads` to today's count in one guarded statement; returns
   * the storage still free after it (null: unlimited) or null row when a limit refused it.
   */
  async function apply(
    userId: string,
    bytes: number,
    uploads: number,
    video = false,
  ): Promise<{ freeBytes: number | null; usedBytes: number; limitBytes: number } | null> {
    const { day } = utcDay(now());
    const b = BigInt(bytes);
    const storage = BigInt(config.QUOTA_STORAGE_BYTES);
    const perDay = config.QUOTA_UPLOADS_PER_DAY;
    const minutes = config.QUOTA_VIDEO_MINUTES_PER_DAY;
    const rows = await db.$queryRaw<{ limit: bigint; used: bigint }[]>`
      UPDATE "User" SET
        "storageBytesUsed" = GREATEST(0, "storageBytesUsed" + ${b}::bigint),
        "uploadsToday" = GREATEST(0,
          (CASE WHEN "uploadsDay" = ${day}::date THEN "uploadsToday" ELSE 0 END) + ${uploads}::int),
        "uploadsDay" = ${day}::date
      WHERE "id" = ${userId}::uuid
        AND (${b}::bigint <= 0 OR COALESCE("quotaStorageBytes", ${storage}::bigint) = 0
             OR "storageBytesUsed" + ${b}::bigint <= COALESCE("quotaStorageBytes", ${storage}::bigint))
        AND (${uploads}::int <= 0 OR COALESCE("quotaUploadsPerDay", ${perDay}::int) = 0
             OR (CASE WHEN "uploadsDay" = ${day}::date THEN "uploadsToday" ELSE 0 END) + ${uploads}::int
                <= COALESCE("quotaUploadsPerDay", ${perDay}::int))
        AND (NOT ${video}::boolean OR COALESCE("quotaVideoMinutesPerDay", ${minutes}::int) = 0
             OR (CASE WHEN "videoDay" = ${day}::date THEN "videoMsToday" ELSE 0 END)
                < COALESCE("quotaVideoMinutesPerDay", ${minutes}::int)::bigint * 60000)
      RETURNING COALESCE("quotaStorageBytes", ${storage}::bigint) AS "limit", "storageBytesUsed" AS "used"`;
    const row = rows[0];
    if (!row) return null;
    const usedBytes = Number(row.used);
    const limitBytes = Number(row.limit);
    return { freeBytes: limitBytes === 0 ? null : limitBytes - usedBytes, usedBytes, limitBytes };
  }

  return {
    report,

    /**
     * Before any byte is stored, in one guarded update: one upload and the declared size (0 when unknown)
     * reserved, and for a video today's minutes (a counter deletions never lower) still under the limit.
     * Throws quota_exceeded (413) or daily_quota_exceeded (429).
     */
    async reserve(input: {
      userId: string;
      name: string;
      kind: 'IMAGE' | 'VIDEO';
      declaredBytes?: number;
    }): Promise<Reservation & { freeBytes: number | null; usedBytes: number; limitBytes: number }> {
      const bytes = input.declaredBytes ?? 0;
      const video = input.kind === 'VIDEO';
      const applied = await apply(input.userId, bytes, 1, video);
      if (!applied) throw await refusal(input.userId, input.name, bytes, video);
      const reservation = { bytes, uploads: 1, ...applied };
      // A size not announced is capped while it streams; with no room at all, refuse before the first byte.
      if (applied.freeBytes !== null && applied.freeBytes <= 0 && bytes === 0) {
        await apply(input.userId, 0, -1);
        throw storageRefusal(input.name, 0, applied.usedBytes, applied.limitBytes);
      }
      return reservation;
    },

    /** Settles a reservation at the stored size; on refusal (a parallel upload took the room) throws 413. */
    async settle(userId: string, name: string, reservation: Reservation, storedBytes: number) {
      const delta = storedBytes - reservation.bytes;
      if (delta === 0) return;
      const applied = await apply(userId, delta, 0);
      if (applied) reservation.bytes = storedBytes;
      if (!applied) {
        const r = await report(userId);
        throw storageRefusal(name, storedBytes, r?.usage.storageBytes ?? 0, r?.limits.storageBytes ?? 0);
      }
    },

    /** Gives a reservation back (the upload was refused or failed after it). */
    async release(userId: string, reservation: Reservation): Promise<void> {
      await apply(userId, -reservation.bytes, -reservation.uploads);
    },

    /** tus creation: refuses a declared Upload-Length that cannot fit, and a day's uploads used up. */
    async check(userId: string, name: string, declaredBytes: number | undefined): Promise<void> {
      const r = await report(userId);
      if (!r) return;
      const { limits, usage } = r;
      if (limits.uploadsPerDay > 0 && usage.uploadsToday >= limits.uploadsPerDay) {
        throw await refusal(userId, name, 0);
      }
      const bytes = declaredBytes ?? 0;
      if (limits.storageBytes > 0 && usage.storageBytes + bytes > limits.storageBytes) {
        throw storageRefusal(name, bytes, usage.storageBytes, limits.storageBytes);
      }
    },

    storageRefusal,
  };
}

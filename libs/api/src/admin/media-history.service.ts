import type { DbClient } from '@fjord/db';

export type MediaHistory = {
  sinceHours: number;
  byStatus: Record<string, number>;
  processingP50Ms: number | null;
  processingP95Ms: number | null;
  /** The most frequent failure reasons in the window. */
  topErrors: { error: string; count: number }[];
};

type PercentileRow = { p50: number | null; p95: number | null };

/** Outcomes and durations from Postgres, so they outlive Redis' job retention (24 h / 7 days). */
export async function getMediaHistory(db: DbClient, sinceHours: number): Promise<MediaHistory> {
  const since = new Date(Date.now() - sinceHours * 3600_000);
  const [groups, percentiles, errors] = await Promise.all([
    db.media.groupBy({ by: ['status'], where: { createdAt: { gte: since } }, _count: { _all: true } }),
    db.$queryRaw<PercentileRow[]>`
      SELECT
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "finishedAt" - "startedAt") * 1000)::float8 AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM "finishedAt" - "startedAt") * 1000)::float8 AS p95
      FROM "Media"
      WHERE "finishedAt" >= ${since} AND "startedAt" IS NOT NULL`,
    db.media.groupBy({
      by: ['error'],
      where: { status: 'FAILED', finishedAt: { gte: since }, error: { not: null } },
      _count: { _all: true },
      orderBy: { _count: { error: 'desc' } },
      take: 5,
    }),
  ]);
  const row = percentiles[0];
  return {
    sinceHours,
    byStatus: Object.fromEntries(groups.map((g) => [g.status, g._count._all])),
    processingP50Ms: row?.p50 == null ? null : Math.round(row.p50),
    processingP95Ms: row?.p95 == null ? null : Math.round(row.p95),
    topErrors: errors.map((e) => ({ error: e.error ?? '', count: e._count._all })),
  };
}

import type { DbClient, MediaStatus } from '@fjord/db';
/** The media id in a deterministic flow job id (`media.<id>.<step>[.<variant>]`). */
export function mediaIdOfJobId(jobId: string): string | null {
  return /^media\.([0-9a-f-]{36})\.(transcode|finalize|notify)(\.|$)/.exec(jobId)?.[1] ?? null;
}

export type AdminMediaDto = {
  id: string;
  originalName: string;
  status: MediaStatus;
  ownerEmail: string;
  sizeBytes: number;
  error: string | null;
  storageKey: string;
  createdAt: string;
  /** startedAt → finishedAt, from Postgres: outlives Redis' job retention. */
  processingMs: number | null;
  /** queuedAt → startedAt. */
  waitMs: number | null;
};

export async function listAllMedia(
  db: DbClient,
  input: { status?: MediaStatus; ownerEmail?: string; mediaId?: string; page: number; pageSize: number },
): Promise<{ items: AdminMediaDto[]; total: number }> {
  const where = {
    ...(input.status ? { status: input.status } : {}),
    ...(input.mediaId ? { id: input.mediaId } : {}),
    ...(input.ownerEmail ? { owner: { email: { contains: input.ownerEmail.toLowerCase() } } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.media.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: input.page * input.pageSize,
      take: input.pageSize,
      select: {
        id: true,
        originalName: true,
        status: true,
        sizeBytes: true,
        error: true,
        storageKey: true,
        createdAt: true,
        queuedAt: true,
        startedAt: true,
        finishedAt: true,
        owner: { select: { email: true } },
      },
    }),
    db.media.count({ where }),
  ]);
  const span = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : null);
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      originalName: r.originalName,
      status: r.status,
      ownerEmail: r.owner.email,
      sizeBytes: Number(r.sizeBytes),
      error: r.error,
      storageKey: r.storageKey,
      createdAt: r.createdAt.toISOString(),
      processingMs: span(r.startedAt, r.finishedAt),
      waitMs: span(r.queuedAt, r.startedAt),
    })),
  };
}

import type { DbClient, Prisma } from '@fjord/db';

export type AuditEntry = {
  actorId: string;
  action: string;
  targetType: 'job' | 'queue' | 'media' | 'user' | 'api-key' | 'invite' | 'preset';
  targetId: string;
  meta?: Record<string, unknown>;
};

/** Who did what to which target; written after the action, with its outcome in meta. */
export async function writeAudit(db: DbClient, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: { ...entry, meta: (entry.meta ?? {}) as Prisma.InputJsonValue },
    select: { id: true },
  });
}

export type AuditLogDto = {
  id: string;
  at: string;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string;
  meta: unknown;
};

export async function listAudit(
  db: DbClient,
  input: { limit: number; targetId?: string },
): Promise<AuditLogDto[]> {
  const rows = await db.auditLog.findMany({
    where: input.targetId ? { targetId: input.targetId } : {},
    orderBy: { createdAt: 'desc' },
    take: input.limit,
    select: {
      id: true,
      createdAt: true,
      actorId: true,
      action: true,
      targetType: true,
      targetId: true,
      meta: true,
    },
  });
  const actorIds = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
  const actors = await db.user.findMany({
    where: { id: { in: actorIds } },
    select: { id: true, email: true },
  });
  const emailById = new Map(actors.map((a) => [a.id, a.email]));
  return rows.map((r) => ({
    id: r.id,
    at: r.createdAt.toISOString(),
    actorEmail: r.actorId ? (emailById.get(r.actorId) ?? null) : null,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    meta: r.meta,
  }));
}

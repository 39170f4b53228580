import { revokeAllSessions } from '@fjord/auth';
import type { DbClient, Role } from '@fjord/db';
import { AppError } from '@fjord/errors';

export type AdminUserDto = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabledAt: string | null;
  createdAt: string;
  mediaCount: number;
  activeSessions: number;
};

export async function listUsers(
  db: DbClient,
  input: { q?: string; page: number; pageSize: number },
): Promise<{ items: AdminUserDto[]; total: number }> {
  const where = input.q ? { email: { contains: input.q.toLowerCase() } } : {};
  const [rows, total] = await Promise.all([
    db.user.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: input.page * input.pageSize,
      take: input.pageSize,
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        disabledAt: true,
        createdAt: true,
        _count: { select: { media: true, sessions: true } },
      },
    }),
    db.user.count({ where }),
  ]);
  return {
    total,
    items: rows.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      disabledAt: u.disabledAt?.toISOString() ?? null,
      createdAt: u.createdAt.toISOString(),
      mediaCount: u._count.media,
      activeSessions: u._count.sessions,
    })),
  };
}

function assertNotSelf(actorId: string, userId: string, what: string): void {
  if (actorId === userId) throw new AppError('bad_request', `You cannot ${what} your own account.`);
}

export async function setUserRole(
  db: DbClient,
  input: { actorId: string; id: string; role: Role },
): Promise<{ changed: boolean }> {
  assertNotSelf(input.actorId, input.id, 'change the role of');
  const { count } = await db.user.updateMany({
    where: { id: input.id, role: { not: input.role } },
    data: { role: input.role },
  });
  if (count === 0 && !(await db.user.findUnique({ where: { id: input.id }, select: { id: true } }))) {
    throw new AppError('not_found', 'This user does not exist.');
  }
  return { changed: count > 0 };
}

/** Disabling also ends every session at once (resolveSession refuses disabled users anyway). */
export async function setUserDisabled(
  db: DbClient,
  input: { actorId: string; id: string; isDisabled: boolean },
): Promise<{ changed: boolean }> {
  assertNotSelf(input.actorId, input.id, 'disable');
  const user = await db.user.findUnique({
    where: { id: input.id },
    select: { disabledAt: true, erasingAt: true },
  });
  if (!user) throw new AppError('not_found', 'This user does not exist.');
  if (user.erasingAt && !input.isDisabled) {
    throw new AppError('conflict', 'This account is being erased; it cannot be enabled again.');
  }
  const changed = Boolean(user.disabledAt) !== input.isDisabled;
  if (changed) {
    await db.user.update({
      where: { id: input.id },
      data: { disabledAt: input.isDisabled ? new Date() : null },
      select: { id: true },
    });
  }
  if (input.isDisabled) await revokeAllSessions(db, input.id);
  return { changed };
}

export type AdminApiKeyDto = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  ownerEmail: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export async function listApiKeys(db: DbClient, input: { userId?: string }): Promise<AdminApiKeyDto[]> {
  const rows = await db.apiKey.findMany({
    where: input.userId ? { userId: input.userId } : {},
    orderBy: { createdAt: 'desc' },
    take: 200,
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      user: { select: { email: true } },
    },
  });
  return rows.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    ownerEmail: k.user.email,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}

export async function revokeAnyApiKey(db: DbClient, id: string): Promise<{ changed: boolean }> {
  const { count } = await db.apiKey.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0 && !(await db.apiKey.findUnique({ where: { id }, select: { id: true } }))) {
    throw new AppError('not_found', 'This API key does not exist.');
  }
  return { changed: count > 0 };
}

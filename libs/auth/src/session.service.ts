import type { DbClient } from '@fjord/db';
import { authUserSelect, type AuthUser } from './auth-user';
import { createRandomToken, sha256Hex } from './crypto.util';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
// Sliding expiry without a write per request: renew only once the session is this old since last renewal.
const RENEW_AFTER_MS = 60 * 60 * 1000;

export type CreatedSession = { token: string; expiresAt: Date };
export type ResolvedSession = {
  user: AuthUser;
  sessionId: string;
  expiresAt: Date;
  /** True when this call pushed expiresAt forward: the caller should re-send the cookie. */
  isRenewed: boolean;
};

export async function createSession(
  db: DbClient,
  opts: { userId: string; userAgent?: string | null },
): Promise<CreatedSession> {
  const token = createRandomToken(32);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.session.create({
    data: {
      tokenHash: sha256Hex(token),
      userId: opts.userId,
      expiresAt,
      userAgent: opts.userAgent?.slice(0, 512) ?? null,
    },
    select: { id: true },
  });
  return { token, expiresAt };
}

/** The session's user, or null for an unknown, expired or disabled one. Renews the expiry as it goes. */
export async function resolveSession(
  db: DbClient,
  token: string | undefined | null,
): Promise<ResolvedSession | null> {
  if (!token || token.length > 200) return null;
  const tokenHash = sha256Hex(token);
  const session = await db.session.findUnique({
    where: { tokenHash },
    select: {
      id: true,
      expiresAt: true,
      lastSeenAt: true,
      user: { select: { ...authUserSelect, disabledAt: true } },
    },
  });
  if (!session) return null;
  const now = Date.now();
  if (session.expiresAt.getTime() <= now) {
    await db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  const { disabledAt, ...user } = session.user;
  if (disabledAt) return null;

  let expiresAt = session.expiresAt;
  let isRenewed = false;
  if (now - session.lastSeenAt.getTime() >= RENEW_AFTER_MS) {
    expiresAt = new Date(now + SESSION_TTL_MS);
    await db.session.updateMany({
      where: { id: session.id },
      data: { expiresAt, lastSeenAt: new Date(now) },
    });
    isRenewed = true;
  }
  return { user, sessionId: session.id, expiresAt, isRenewed };
}

export async function revokeSession(db: DbClient, token: string | undefined | null): Promise<void> {
  if (!token) return;
  await db.session.deleteMany({ where: { tokenHash: sha256Hex(token) } });
}

export async function revokeAllSessions(db: DbClient, userId: string): Promise<void> {
  await db.session.deleteMany({ where: { userId } });
}

import { randomInt } from 'node:crypto';
import { Prisma, type DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { authUserSelect, type AuthUser } from './auth-user';
import { createRandomToken, isEqualConstantTime, sha256Hex } from './crypto.util';

export const API_KEY_SCOPES = ['media:read', 'media:write', 'webhooks:manage', 'account:export'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
/** Least privilege: a key made without explicit scopes can use media, not manage webhooks. */
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = ['media:read', 'media:write'];

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX_CHARS = 8;
// fjk_<8 chars>_<43 chars of base64url>; the secret may itself contain '_' so parse by position.
const KEY_RE = /^(fjk_[a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const TOUCH_INTERVAL_MS = 60_000;

export type ApiKeyInfo = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const apiKeySelect = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

function createPrefix(): string {
  let out = 'fjk_';
  for (let i = 0; i < PREFIX_CHARS; i++) out += PREFIX_ALPHABET[randomInt(PREFIX_ALPHABET.length)];
  return out;
}

/** Creates a key; the full key is returned only here and never stored. */
export async function createApiKey(opts: {
  db: DbClient;
  userId: string;
  name: string;
  scopes?: readonly string[];
}): Promise<{ key: string; apiKey: ApiKeyInfo }> {
  const name = opts.name.trim();
  if (!name || name.length > 100)
    throw new AppError('bad_request', 'Give the API key a name of 1 to 100 characters.');
  const scopes = [...new Set(opts.scopes ?? DEFAULT_API_KEY_SCOPES)];
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new AppError(
      'bad_request',
      `Unknown API key scope: ${unknown.join(', ') || '(none)'}. Use ${API_KEY_SCOPES.join(', ')}.`,
    );
  }
  for (let attempt = 0; ; attempt++) {
    const prefix = createPrefix();
    const secret = createRandomToken(32);
    try {
      const apiKey = await opts.db.apiKey.create({
        data: { userId: opts.userId, name, prefix, secretHash: sha256Hex(secret), scopes },
        select: apiKeySelect,
      });
      return { key: `${prefix}_${secret}`, apiKey };
    } catch (err) {
      const isPrefixClash = err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
      if (!isPrefixClash || attempt >= 4) throw err;
    }
  }
}

/** The key's owner for a valid, unrevoked key of an enabled user; otherwise null. */
export async function verifyApiKey(
  db: DbClient,
  presented: string | null | undefined,
): Promise<{ user: AuthUser; apiKey: ApiKeyInfo } | null> {
  const match = presented ? KEY_RE.exec(presented.trim()) : null;
  if (!match) return null;
  const [, prefix, secret] = match as unknown as [string, string, string];
  const row = await db.apiKey.findUnique({
    where: { prefix },
    select: { ...apiKeySelect, secretHash: true, user: { select: { ...authUserSelect, disabledAt: true } } },
  });
  if (!row) return null;
  const isMatch = isEqualConstantTime(
    Buffer.from(sha256Hex(secret), 'hex'),
    Buffer.from(row.secretHash, 'hex'),
  );
  if (!isMatch || row.revokedAt || row.user.disabledAt) return null;

  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    // Conditional update: concurrent requests in the same minute write once.
    await db.apiKey.updateMany({
      where: {
        id: row.id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - TOUCH_INTERVAL_MS) } }],
      },
      data: { lastUsedAt: now },
    });
    row.lastUsedAt = now;
  }
  const { secretHash: _hash, user, ...apiKey } = row;
  const { disabledAt: _disabled, ...authUser } = user;
  return { user: authUser, apiKey };
}

export function hasScope(apiKey: Pick<ApiKeyInfo, 'scopes'>, scope: ApiKeyScope): boolean {
  return apiKey.scopes.includes(scope);
}

export async function revokeApiKey(db: DbClient, opts: { id: string; userId: string }): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({
    where: { id: opts.id, userId: opts.userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count > 0;
}

/** The user's keys, newest first, revoked ones included (the page shows them greyed); never a secret. */
export async function listApiKeys(db: DbClient, userId: string): Promise<ApiKeyInfo[]> {
  return db.apiKey.findMany({
    where: { userId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: apiKeySelect,
    take: 200,
  });
}

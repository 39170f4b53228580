import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, scryptSync } from 'node:crypto';
import {
  createTestDatabase,
  createTestUser,
  hashTestPassword,
  TEST_PASSWORD,
  type TestDatabase,
} from '@fjord/testing';
import { ensureAdmin, signIn, signUp } from './account.service';
import { createApiKey, verifyApiKey } from './api-key.service';
import { sha256Hex } from './crypto.util';
import { hashPassword, needsRehash, verifyPassword } from './password.service';
import { createSession, resolveSession, revokeSession, SESSION_TTL_MS } from './session.service';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

describe('passwords', () => {
  it('hashes in the documented scrypt format and verifies only the right password', async () => {
    const hash = await hashPassword('a long enough secret');
    // OWASP's N=2^14, r=8, p=5 (ADR 0011); the old 16384/8/1 was below its minimum.
    expect(hash).toMatch(/^scrypt\$16384\$8\$5\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(hash.split('$')[5]!, 'base64')).toHaveLength(64);
    expect(await verifyPassword('a long enough secret', hash)).toBe(true);
    expect(await verifyPassword('a long enough secreT', hash)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('verifies hashes written by the test helpers (same format, same parameters)', async () => {
    const user = await createTestUser(t.db);
    expect(await verifyPassword(TEST_PASSWORD, user.passwordHash)).toBe(true);
    expect(needsRehash(await hashTestPassword())).toBe(false);
  });

  it('flags hashes below the target parameters, not equivalent or stronger ones', async () => {
    expect(needsRehash(legacyHash('whatever-password'))).toBe(true);
    expect(needsRehash(await hashPassword('whatever-password'))).toBe(false);
    const key64 = Buffer.alloc(64, 1).toString('base64');
    expect(needsRehash(`scrypt$131072$8$1$c2FsdA==$${key64}`)).toBe(false); // OWASP's 2^17/8/1
    expect(needsRehash(`scrypt$16384$8$4$c2FsdA==$${key64}`)).toBe(true);
    expect(needsRehash('garbage')).toBe(true);
  });

  it('rehashes a legacy hash on a successful sign-in, and only then', async () => {
    const user = await createTestUser(t.db);
    const legacy = legacyHash('legacy-password-1');
    await t.db.user.update({ where: { id: user.id }, data: { passwordHash: legacy } });
    await expect(signIn(t.db, { email: user.email, password: 'wrong-password-1' })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(legacy);

    await signIn(t.db, { email: user.email, password: 'legacy-password-1' });
    const rehashed = (await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    expect(rehashed).toMatch(/^scrypt\$16384\$8\$5\$/);
    expect(await verifyPassword('legacy-password-1', rehashed)).toBe(true);
    await expect(signIn(t.db, { email: user.email, password: 'legacy-password-1' })).resolves.toBeTruthy();
  });
});

describe('sign up and sign in', () => {
  it('normalises the email, refuses duplicates and short passwords', async () => {
    const user = await signUp(t.db, {
      email: '  Ada@Example.COM ',
      password: 'analytical-engine',
      name: 'Ada',
    });
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada', role: 'USER' });
    expect(user).not.toHaveProperty('passwordHash');
    await expect(
      signUp(t.db, { email: 'ADA@example.com', password: 'another-password' }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: 'An account with this email already exists.',
    });
    await expect(signUp(t.db, { email: 'bob@example.com', password: 'short' })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('signs in case-insensitively and gives one generic message for any failure', async () => {
    await signUp(t.db, { email: 'grace@example.com', password: 'compiler-1952' });
    await expect(
      signIn(t.db, { email: 'GRACE@example.com', password: 'compiler-1952' }),
    ).resolves.toMatchObject({
      email: 'grace@example.com',
    });
    const generic = { code: 'unauthorized', message: 'Email or password is incorrect.' };
    await expect(
      signIn(t.db, { email: 'grace@example.com', password: 'wrong-password' }),
    ).rejects.toMatchObject(generic);
    await expect(
      signIn(t.db, { email: 'nobody@example.com', password: 'compiler-1952' }),
    ).rejects.toMatchObject(generic);
  });

  it('refuses disabled users', async () => {
    const user = await createTestUser(t.db, { disabledAt: new Date() });
    await expect(signIn(t.db, { email: user.email, password: TEST_PASSWORD })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});

describe('sessions', () => {
  it('stores only the sha256 of the token and resolves it to the user', async () => {
    const user = await createTestUser(t.db);
    const { token, expiresAt } = await createSession(t.db, { userId: user.id, userAgent: 'vitest' });
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + SESSION_TTL_MS - 60_000);
    const row = await t.db.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(row.tokenHash).not.toContain(token);

    const resolved = await resolveSession(t.db, token);
    expect(resolved?.user).toMatchObject({ id: user.id, email: user.email });
    expect(await resolveSession(t.db, `${token}x`)).toBeNull();

    await revokeSession(t.db, token);
    expect(await resolveSession(t.db, token)).toBeNull();
  });

  it('slides the expiry forward, drops expired sessions and ignores disabled users', async () => {
    const user = await createTestUser(t.db);
    const { token } = await createSession(t.db, { userId: user.id });
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await t.db.session.updateMany({
      where: { userId: user.id },
      data: { lastSeenAt: old, expiresAt: new Date(Date.now() + 1000 * 60) },
    });
    const renewed = await resolveSession(t.db, token);
    expect(renewed?.isRenewed).toBe(true);
    expect(renewed!.expiresAt.getTime()).toBeGreaterThan(Date.now() + SESSION_TTL_MS - 60_000);

    await t.db.session.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await resolveSession(t.db, token)).toBeNull();
    expect(await t.db.session.count({ where: { userId: user.id } })).toBe(0);

    const second = await createSession(t.db, { userId: user.id });
    await t.db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect(await resolveSession(t.db, second.token)).toBeNull();
  });
});

describe('API keys', () => {
  it('shows the key once, stores only a hash, and verifies it', async () => {
    const user = await createTestUser(t.db);
    const { key, apiKey } = await createApiKey({ db: t.db, userId: user.id, name: 'ci' });
    expect(key).toMatch(/^fjk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.scopes).toEqual(['media:read', 'media:write']);
    const row = await t.db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(key.startsWith(`${row.prefix}_`)).toBe(true);
    expect(row.secretHash).toBe(sha256Hex(key.slice(row.prefix.length + 1)));

    const verified = await verifyApiKey(t.db, key);
    expect(verified?.user.id).toBe(user.id);
    expect(verified?.apiKey.lastUsedAt).toBeInstanceOf(Date);
    expect(await verifyApiKey(t.db, `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await verifyApiKey(t.db, 'fjk_nope')).toBeNull();
  });

  it('updates lastUsedAt at most once a minute', async () => {
    const user = await createTestUser(t.db);
    const { key, apiKey } = await createApiKey({
      db: t.db,
      userId: user.id,
      name: 'touch',
      scopes: ['media:read'],
    });
    await verifyApiKey(t.db, key);
    const first = (await t.db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt;
    await verifyApiKey(t.db, key);
    const second = (await t.db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt;
    expect(second?.getTime()).toBe(first?.getTime());

    await t.db.apiKey.update({
      where: { id: apiKey.id },
      data: { lastUsedAt: new Date(Date.now() - 61_000) },
    });
    await verifyApiKey(t.db, key);
    const third = (await t.db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt;
    expect(third!.getTime()).toBeGreaterThan(Date.now() - 5_000);
  });

  it('refuses revoked keys, keys of disabled users and unknown scopes', async () => {
    const user = await createTestUser(t.db);
    const revoked = await createApiKey({ db: t.db, userId: user.id, name: 'old' });
    await t.db.apiKey.update({ where: { id: revoked.apiKey.id }, data: { revokedAt: new Date() } });
    expect(await verifyApiKey(t.db, revoked.key)).toBeNull();

    const live = await createApiKey({ db: t.db, userId: user.id, name: 'live' });
    await t.db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect(await verifyApiKey(t.db, live.key)).toBeNull();

    await expect(
      createApiKey({ db: t.db, userId: user.id, name: 'x', scopes: ['root'] }),
    ).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});

describe('ensureAdmin', () => {
  it('creates the admin once with a generated password, then leaves it alone', async () => {
    const first = await ensureAdmin({ db: t.db, email: 'Root@Fjord.local' });
    expect(first.outcome).toBe('created');
    expect(first.outcome === 'created' && first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const password = first.outcome === 'created' ? first.generatedPassword! : '';
    await expect(signIn(t.db, { email: 'root@fjord.local', password })).resolves.toMatchObject({
      role: 'ADMIN',
    });
    const second = await ensureAdmin({
      db: t.db,
      email: 'root@fjord.local',
      password: 'a different password',
    });
    expect(second).toEqual({ outcome: 'already-admin', user: expect.objectContaining({ role: 'ADMIN' }) });
    await expect(signIn(t.db, { email: 'root@fjord.local', password })).resolves.toBeTruthy();
  });

  it('uses the given password', async () => {
    const made = await ensureAdmin({ db: t.db, email: 'ops@fjord.local', password: 'given-password-123' });
    expect(made).toEqual({ outcome: 'created', user: expect.objectContaining({ role: 'ADMIN' }) });
  });

  it('never promotes an account someone signed up with, unless told to', async () => {
    // Sign-up is open: an attacker registers the admin address before the operator runs bootstrap.
    const squatter = await signUp(t.db, { email: 'admin@squat.local', password: 'attacker-password' });
    const refused = await ensureAdmin({ db: t.db, email: 'Admin@Squat.local', password: 'operator-pass-1' });
    expect(refused.outcome).toBe('not-promoted');
    const row = await t.db.user.findUniqueOrThrow({ where: { id: squatter.id } });
    expect(row.role).toBe('USER');
    expect(await verifyPassword('attacker-password', row.passwordHash)).toBe(true);

    const promoted = await ensureAdmin({ db: t.db, email: 'admin@squat.local', promoteExisting: true });
    expect(promoted).toMatchObject({ outcome: 'promoted', user: { id: squatter.id, role: 'ADMIN' } });
  });
});

/** A hash in the format and parameters Fjord wrote before ADR 0011 (N=16384, r=8, p=1). */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 64, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, verifyApiKey } from '@fjord/auth';
import { createRedis } from '@fjord/queue';
import { createTestUser, TEST_PASSWORD, waitFor } from '@fjord/testing';
import { createAuthThrottle } from './auth-throttle.service';
import { cookieFrom, createApiHarness, errorOf, randomTestIp } from '../test/api-test-harness';

type Harness = Awaited<ReturnType<typeof createApiHarness>>;

async function signedIn(h: Harness, email: string, password = TEST_PASSWORD) {
  const { caller, resHeaders } = await h.callerFor();
  await caller.auth.signIn({ email, password });
  return cookieFrom(resHeaders);
}

describe('sign-up modes', () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
  });
  async function harness(mode: string) {
    const h = await createApiHarness({ SIGNUP_MODE: mode });
    harnesses.push(h);
    return h;
  }

  it('open (the default): anyone signs up, no invite asked for', async () => {
    const h = await harness('open');
    const anon = await h.callerFor();
    expect(await anon.caller.auth.signupMode()).toEqual({ mode: 'open' });
    await expect(
      anon.caller.auth.signUp({ email: 'o@x.local', password: 'a-good-password' }),
    ).resolves.toBeTruthy();
  });

  it('closed: sign-up is refused with a clear message and no account is created', async () => {
    const h = await harness('closed');
    const anon = await h.callerFor();
    expect(await anon.caller.auth.signupMode()).toEqual({ mode: 'closed' });
    const err = await errorOf(anon.caller.auth.signUp({ email: 'c@x.local', password: 'a-good-password' }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/^Sign-up is closed\./);
    expect(await h.db.user.count({ where: { email: 'c@x.local' } })).toBe(0);
  });

  it('invite: needs a valid single-use invite an admin created for that address', async () => {
    const h = await harness('invite');
    const admin = await createTestUser(h.db, { role: 'ADMIN' });
    const user = await createTestUser(h.db);
    const anon = await h.callerFor();
    const email = 'invited@x.local';
    const password = 'a-good-password';

    const noInvite = await errorOf(anon.caller.auth.signUp({ email, password }));
    expect(noInvite.code).toBe('FORBIDDEN');
    expect(noInvite.message).toMatch(/invitation only/);

    const asUser = await h.callerFor(await signedIn(h, user.email));
    expect((await errorOf(asUser.caller.admin.createInvite({ email }))).code).toBe('FORBIDDEN');

    const asAdmin = await h.callerFor(await signedIn(h, admin.email));
    const invite = await asAdmin.caller.admin.createInvite({ email: 'Invited@X.local' });
    const url = new URL(invite.url);
    expect(url.origin + url.pathname).toBe('http://localhost:3000/signup');
    const token = url.searchParams.get('invite')!;
    expect(url.searchParams.get('email')).toBe(email);
    const row = await h.db.invite.findUniqueOrThrow({ where: { id: invite.id } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + 167 * 3600 * 1000);

    const wrongEmail = await errorOf(
      anon.caller.auth.signUp({ email: 'other@x.local', password, inviteToken: token }),
    );
    expect(wrongEmail.message).toMatch(/not valid/);
    const forged = await errorOf(anon.caller.auth.signUp({ email, password, inviteToken: `${token}x` }));
    expect(forged.code).toBe('FORBIDDEN');

    const ok = await h.callerFor();
    const { user: created } = await ok.caller.auth.signUp({ email, password, inviteToken: token });
    expect(created).toMatchObject({ email, role: 'USER' });
    expect(ok.resHeaders.get('set-cookie')).toMatch(/^fjord_session=/);
    expect((await h.db.invite.findUniqueOrThrow({ where: { id: invite.id } })).usedAt).toBeInstanceOf(Date);

    // Single use, even for another address the same token never worked for.
    await h.db.user.delete({ where: { id: created.id } });
    expect((await errorOf(anon.caller.auth.signUp({ email, password, inviteToken: token }))).code).toBe(
      'FORBIDDEN',
    );

    const expired = await asAdmin.caller.admin.createInvite({ email: 'late@x.local' });
    await h.db.invite.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const lateToken = new URL(expired.url).searchParams.get('invite')!;
    expect(
      (await errorOf(anon.caller.auth.signUp({ email: 'late@x.local', password, inviteToken: lateToken })))
        .message,
    ).toMatch(/expired/);

    const audit = await h.db.auditLog.findFirst({ where: { action: 'invite.create', targetId: invite.id } });
    expect(audit?.actorId).toBe(admin.id);
  });
});

describe('throttling auth.signIn and auth.signUp', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createApiHarness({
      AUTH_IP_ATTEMPTS: '3',
      AUTH_IP_WINDOW_SECONDS: '600',
      AUTH_ACCOUNT_FAILURES: '4',
      AUTH_ACCOUNT_WINDOW_SECONDS: '600',
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const signInFrom = async (ip: string, email: string, password: string) => {
    const c = await h.callerFor(undefined, { ip });
    return { result: c.caller.auth.signIn({ email, password }), resHeaders: c.resHeaders };
  };

  it('per IP: the next attempt is TOO_MANY_REQUESTS with Retry-After; hops a client prepends do not help', async () => {
    const ip = '203.0.113.10';
    for (let i = 0; i < 3; i++) {
      const { result } = await signInFrom(ip, `nobody-${i}@x.local`, 'wrong-password');
      expect((await errorOf(result)).code).toBe('UNAUTHORIZED');
    }
    const c = await h.callerFor(undefined, { ip: `10.0.0.${Math.floor(Math.random() * 250)}, ${ip}` });
    const err = await errorOf(c.caller.auth.signIn({ email: 'fresh@x.local', password: 'whatever-pw' }));
    expect(err.code).toBe('TOO_MANY_REQUESTS');
    expect(err.message).toMatch(/^Too many sign-in attempts from your network\. Please try again in \d+/);
    expect(Number(c.resHeaders.get('retry-after'))).toBeGreaterThan(0);

    // Sign-up has its own bucket per IP, with the same limit.
    for (let i = 0; i < 3; i++) {
      const s = await h.callerFor(undefined, { ip });
      await s.caller.auth.signUp({ email: `burst-${i}@x.local`, password: 'a-good-password' });
    }
    const s = await h.callerFor(undefined, { ip });
    const signUpErr = await errorOf(
      s.caller.auth.signUp({ email: 'burst-9@x.local', password: 'a-good-password' }),
    );
    expect(signUpErr.code).toBe('TOO_MANY_REQUESTS');
    expect(s.resHeaders.get('retry-after')).toMatch(/^\d+$/);

    const other = await signInFrom('203.0.113.11', 'nobody@x.local', 'wrong-password');
    expect((await errorOf(other.result)).code).toBe('UNAUTHORIZED');
  });

  it('per account, across IPs: locks after the failures, even for the right password', async () => {
    const user = await createTestUser(h.db);
    for (let i = 0; i < 4; i++) {
      const { result } = await signInFrom(randomTestIp(), user.email, 'wrong-password');
      expect((await errorOf(result)).code).toBe('UNAUTHORIZED');
    }
    const locked = await signInFrom(randomTestIp(), user.email.toUpperCase(), TEST_PASSWORD);
    const err = await errorOf(locked.result);
    expect(err.code).toBe('TOO_MANY_REQUESTS');
    expect(err.message).toMatch(
      /failed sign-ins for this account, so it is locked for a while\. Please try again in 10 minutes\./,
    );
    const retryAfter = Number(locked.resHeaders.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
  });

  it('a success clears the failures, and every web replica shares the counts', async () => {
    const user = await createTestUser(h.db);
    const fail = async () =>
      (await errorOf((await signInFrom(randomTestIp(), user.email, 'nope-nope')).result)).code;
    for (let i = 0; i < 3; i++) expect(await fail()).toBe('UNAUTHORIZED');
    await (
      await signInFrom(randomTestIp(), user.email, TEST_PASSWORD)
    ).result;
    for (let i = 0; i < 3; i++) expect(await fail()).toBe('UNAUTHORIZED');

    // A second replica: its own throttle object, the same Redis and prefix.
    const replica = createAuthThrottle({ redis: h.queues.connection, config: h.config });
    await expect(
      replica.consumeAttempt({ action: 'signin', ip: randomTestIp(), email: user.email }),
    ).resolves.toBeUndefined(); // the 4th attempt: still within the limit of 4 ...
    await expect(
      replica.consumeAttempt({ action: 'signin', ip: randomTestIp(), email: user.email }),
    ).rejects.toMatchObject({ code: 'rate_limited' });
    expect(await fail()).toBe('TOO_MANY_REQUESTS');
  });
});

describe('when Redis cannot answer', () => {
  it('the throttle fails closed: no unthrottled password guessing', async () => {
    // Loopback port 1: nothing listens, the connection is refused (the shared Redis is not touched).
    const dead = createRedis({ REDIS_URL: 'redis://127.0.0.1:1' }, 'producer');
    try {
      const throttle = createAuthThrottle({
        redis: dead,
        config: {
          QUEUE_PREFIX: 'unused',
          AUTH_IP_ATTEMPTS: 5,
          AUTH_IP_WINDOW_SECONDS: 60,
          AUTH_ACCOUNT_FAILURES: 5,
          AUTH_ACCOUNT_WINDOW_SECONDS: 60,
        },
      });
      await expect(
        throttle.consumeAttempt({ action: 'signin', ip: '192.0.2.1', email: 'a@x.local' }),
      ).rejects.toThrow(/Redis did not become ready/);
    } finally {
      dead.disconnect();
    }
  });
});

describe('account lockout', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createApiHarness({ AUTH_ACCOUNT_FAILURES: '1', AUTH_ACCOUNT_WINDOW_SECONDS: '3' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('expires: refused attempts do not extend it, the right password works once the window is over', async () => {
    const user = await createTestUser(h.db);
    const attempt = async (password: string) =>
      (await h.callerFor(undefined, { ip: randomTestIp() })).caller.auth.signIn({
        email: user.email,
        password,
      });
    expect((await errorOf(attempt('wrong-password'))).code).toBe('UNAUTHORIZED');
    expect((await errorOf(attempt(TEST_PASSWORD))).code).toBe('TOO_MANY_REQUESTS');
    const startedAt = Date.now();
    await waitFor(() => attempt(TEST_PASSWORD), {
      timeoutMs: 15_000,
      intervalMs: 250,
      message: 'lockout never expired',
    });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });
});

describe('changePassword and signOutEverywhere', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('changePassword needs the current password and signs out every other session', async () => {
    const user = await createTestUser(h.db);
    const { key } = await createApiKey({ db: h.db, userId: user.id, name: 'ci' });
    const here = await h.callerFor(await signedIn(h, user.email));
    const elsewhere = await signedIn(h, user.email);

    const wrong = await errorOf(
      here.caller.auth.changePassword({
        currentPassword: 'not-my-password',
        newPassword: 'brand-new-password',
      }),
    );
    expect(wrong.code).toBe('BAD_REQUEST');
    expect(wrong.message).toBe('The current password is incorrect.');
    expect((await (await h.callerFor(elsewhere)).caller.auth.me()).user).not.toBeNull();

    const result = await here.caller.auth.changePassword({
      currentPassword: TEST_PASSWORD,
      newPassword: 'brand-new-password',
    });
    expect(result).toEqual({ revokedSessions: 1 });
    expect((await here.caller.auth.me()).user?.id).toBe(user.id);
    expect((await (await h.callerFor(elsewhere)).caller.auth.me()).user).toBeNull();

    expect(
      (
        await errorOf(
          (await h.callerFor()).caller.auth.signIn({ email: user.email, password: TEST_PASSWORD }),
        )
      ).code,
    ).toBe('UNAUTHORIZED');
    await signedIn(h, user.email, 'brand-new-password');
    expect(await verifyApiKey(h.db, key)).not.toBeNull(); // API keys are not sessions

    const anon = await h.callerFor();
    expect(
      (
        await errorOf(
          anon.caller.auth.changePassword({ currentPassword: 'x', newPassword: 'brand-new-password' }),
        )
      ).code,
    ).toBe('UNAUTHORIZED');
  });

  it('signOutEverywhere revokes every session, this one included, and clears the cookie', async () => {
    const user = await createTestUser(h.db);
    const { key } = await createApiKey({ db: h.db, userId: user.id, name: 'ci' });
    const cookies = [await signedIn(h, user.email), await signedIn(h, user.email)];
    const here = await h.callerFor(cookies[0]);
    await here.caller.auth.signOutEverywhere();
    expect(here.resHeaders.get('set-cookie')).toMatch(/^fjord_session=; .*Max-Age=0/);
    for (const cookie of cookies)
      expect((await (await h.callerFor(cookie)).caller.auth.me()).user).toBeNull();
    expect(await h.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await verifyApiKey(h.db, key)).not.toBeNull();
  });
});

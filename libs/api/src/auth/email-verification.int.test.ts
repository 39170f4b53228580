import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signVerificationToken } from '@fjord/auth';
import { accountEmailJobId } from '@fjord/queue';
import { createTestUser } from '@fjord/testing';
import { cookieFrom, createApiHarness, errorOf } from '../test/api-test-harness';

type Harness = Awaited<ReturnType<typeof createApiHarness>>;

/** Email verification through tRPC (docs/adr/0024), on real Postgres and Redis. */
describe('auth email verification', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createApiHarness({ SIGNUP_MODE: 'open' });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function signUp(email: string) {
    const anon = await h.callerFor();
    const { user } = await anon.caller.auth.signUp({ email, password: 'a-good-password' });
    return { user, me: await h.callerFor(cookieFrom(anon.resHeaders)) };
  }

  it('open sign-up: unverified, one link queued in the outbox and in Redis, another refused for a minute', async () => {
    const { user, me } = await signUp('self@x.local');
    expect(await me.caller.auth.emailVerification()).toEqual({
      email: 'self@x.local',
      verifiedAt: null,
      lastLinkAt: expect.any(String),
    });
    const rows = await h.db.accountEmail.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'VERIFY_EMAIL', recipient: 'self@x.local', sentAt: null });
    expect(rows[0]!.link).toMatch(/^http:\/\/localhost:3000\/verify-email\?token=/);
    expect(await h.queues.email.getJob(accountEmailJobId(rows[0]!.id))).toBeDefined();

    const again = await errorOf(me.caller.auth.sendVerificationEmail());
    expect([again.code, again.message]).toEqual([
      'TOO_MANY_REQUESTS',
      expect.stringMatching(/less than a minute/),
    ]);
  });

  it('the link confirms (anyone holding it, no session needed), twice is harmless, a forged or expired one is refused in words', async () => {
    const { user, me } = await signUp('click@x.local');
    const link = (await h.db.accountEmail.findFirstOrThrow({ where: { userId: user.id } })).link!;
    const token = new URL(link).searchParams.get('token')!;
    const anon = await h.callerFor();

    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const forged = await errorOf(anon.caller.auth.verifyEmail({ token: tampered }));
    expect([forged.code, forged.message]).toEqual([
      'BAD_REQUEST',
      expect.stringMatching(/^This confirmation link is not valid/),
    ]);
    const expired = signVerificationToken({
      secret: h.services.urlSigningSecret,
      userId: user.id,
      email: user.email,
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await errorOf(anon.caller.auth.verifyEmail({ token: expired }))).message).toMatch(/has expired/);
    expect((await me.caller.auth.emailVerification()).verifiedAt).toBeNull();

    expect(await anon.caller.auth.verifyEmail({ token })).toEqual({ outcome: 'verified' });
    expect(await anon.caller.auth.verifyEmail({ token })).toEqual({ outcome: 'already-verified' });
    expect((await me.caller.auth.emailVerification()).verifiedAt).toEqual(expect.any(String));
    expect(await me.caller.auth.sendVerificationEmail()).toEqual({
      status: 'already-verified',
      recipient: 'click@x.local',
    });
  });

  it("one account's link does not confirm another", async () => {
    const a = await signUp('a@x.local');
    const b = await signUp('b@x.local');
    const linkA = (await h.db.accountEmail.findFirstOrThrow({ where: { userId: a.user.id } })).link!;
    const [, expires, sig] = new URL(linkA).searchParams.get('token')!.split('.');
    const anon = await h.callerFor();
    expect(
      (await errorOf(anon.caller.auth.verifyEmail({ token: `${b.user.id}.${expires}.${sig}` }))).code,
    ).toBe('BAD_REQUEST');
    expect((await h.db.user.findUniqueOrThrow({ where: { id: b.user.id } })).emailVerifiedAt).toBeNull();
  });

  it('accounts an operator vouched for start verified: no link is sent to them', async () => {
    const made = await createTestUser(h.db);
    const { caller, resHeaders } = await h.callerFor();
    await caller.auth.signIn({ email: made.email, password: made.password });
    const me = await h.callerFor(cookieFrom(resHeaders));
    expect((await me.caller.auth.emailVerification()).verifiedAt).toEqual(expect.any(String));
    expect(await h.db.accountEmail.count({ where: { userId: made.id } })).toBe(0);
  });

  it('the status and the resend need a session', async () => {
    const anon = await h.callerFor();
    expect((await errorOf(anon.caller.auth.emailVerification())).code).toBe('UNAUTHORIZED');
    expect((await errorOf(anon.caller.auth.sendVerificationEmail())).code).toBe('UNAUTHORIZED');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, signUpWithInvite } from '@fjord/auth';
import { accountEmailJobId, createQueues } from '@fjord/queue';
import { createTestDatabase, createTestUser, testConfig, type TestDatabase } from '@fjord/testing';
import { runCli } from '../test/run-cli';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe('fjord bootstrap', () => {
  it('leaves a squatted admin address alone unless --promote-existing', async () => {
    const email = 'first-admin@bootstrap.local';
    await signUp(t.db, { email, password: 'whoever-signed-up-first' });
    const env = {
      DATABASE_URL: t.url,
      FJORD_ADMIN_EMAIL: email,
      FJORD_ADMIN_PASSWORD: 'operator-password-1',
    };

    const refused = await runCli(['bootstrap'], env);
    expect(refused.code).toBe(0); // npm start and the compose migrate service must still come up
    expect(refused.output).toMatch(
      /WARNING: an account first-admin@bootstrap\.local already exists and is NOT an admin/,
    );
    expect((await t.db.user.findUniqueOrThrow({ where: { email } })).role).toBe('USER');

    const promoted = await runCli(['bootstrap', '--promote-existing'], env);
    expect(promoted.output).toContain('Made the existing account first-admin@bootstrap.local an admin');
    expect(promoted.code).toBe(0);
    expect((await t.db.user.findUniqueOrThrow({ where: { email } })).role).toBe('ADMIN');
  }, 60_000);

  it('user invite prints a single-use sign-up link that works for that address', async () => {
    const env = {
      DATABASE_URL: t.url,
      SIGNUP_MODE: 'invite',
      FJORD_PUBLIC_URL: 'https://media.example.com',
    };
    const { code, output } = await runCli(['user', 'invite', '--email', 'Guest@Example.com'], env);
    expect(code).toBe(0);
    const link = /https:\/\/media\.example\.com\/signup\?\S+/.exec(output)?.[0];
    expect(link).toBeDefined();
    const url = new URL(link!);
    expect(url.searchParams.get('email')).toBe('guest@example.com');
    const inviteToken = url.searchParams.get('invite')!;
    const input = { email: 'guest@example.com', password: 'a-good-password', inviteToken };
    await expect(signUpWithInvite(t.db, input)).resolves.toMatchObject({ role: 'USER' });
    await expect(signUpWithInvite(t.db, { ...input, email: 'x@example.com' })).rejects.toMatchObject({
      code: 'forbidden',
    });
  }, 60_000);
});

describe('fjord user verify', () => {
  it('shows the state, queues a link (refusing a second within the minute), and --mark confirms', async () => {
    const user = await createTestUser(t.db, { emailVerifiedAt: null });
    const prefix = `fjord-cli-verify-${process.pid}-${Date.now()}`;
    const env = { DATABASE_URL: t.url, QUEUE_PREFIX: prefix, FJORD_PUBLIC_URL: 'https://media.example.com' };
    const shown = await runCli(['user', 'verify', '--email', user.email], env);
    expect([shown.code, shown.output.trim()]).toEqual([
      0,
      `${user.email}: not confirmed (no link sent). No notification is mailed to it.`,
    ]);

    const sent = await runCli(['user', 'verify', '--email', user.email, '--send'], env);
    expect([sent.code, sent.output.trim()]).toEqual([
      0,
      `A verification link to ${user.email} is queued (valid 24 h).`,
    ]);
    const row = await t.db.accountEmail.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.link).toMatch(/^https:\/\/media\.example\.com\/verify-email\?token=/);
    const queues = createQueues(testConfig({ QUEUE_PREFIX: prefix }));
    try {
      expect(await queues.email.getJob(accountEmailJobId(row.id))).toBeDefined();
      const again = await runCli(['user', 'verify', '--email', user.email, '--send'], env);
      expect(again.code).not.toBe(0);
      expect(again.output).toContain('less than a minute ago');
    } finally {
      await queues.email.obliterate({ force: true });
      await queues.close();
    }

    const marked = await runCli(['user', 'verify', '--email', user.email, '--mark'], env);
    expect([marked.code, marked.output.trim()]).toEqual([
      0,
      `${user.email} is confirmed: notifications will be mailed to it.`,
    ]);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).toBeInstanceOf(
      Date,
    );
    expect(
      await t.db.auditLog.findMany({ where: { targetId: user.id }, select: { action: true, meta: true } }),
    ).toEqual([{ action: 'user.email-verified', meta: { via: 'cli' } }]);
  }, 90_000);
});

describe('fjord user quota', () => {
  it('shows the limits, overrides one, and records the change in the audit log', async () => {
    const user = await createTestUser(t.db);
    const env = { DATABASE_URL: t.url };
    const shown = await runCli(['user', 'quota', '--email', user.email], env);
    expect(shown.code).toBe(0);
    expect(shown.output).toMatch(/uploads today: +0 of 5000 \(default\)/);
    const set = await runCli(['user', 'quota', '--email', user.email, '--uploads-per-day', '3'], env);
    expect([set.code, set.output]).toEqual([0, expect.stringMatching(/uploads today: +0 of 3\n/)]);
    expect(
      await t.db.auditLog.findMany({ where: { targetId: user.id }, select: { action: true, meta: true } }),
    ).toEqual([{ action: 'user.set-quota', meta: { uploadsPerDay: 3, via: 'cli' } }]);
  }, 60_000);
});

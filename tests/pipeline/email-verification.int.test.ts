import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmEmail, loadUrlSigningSecret } from '@fjord/auth';
import { redriveAccountEmails, requestVerificationEmail } from '@fjord/ingest';
import { jobOf, mediaJobId, notifyMediaJob } from '@fjord/queue';
import { createReadyMedia, createTestUser, silentLogger, waitFor } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';

/**
 * Email verification through the real worker-email process and a real SMTP listener (docs/adr/0024):
 * an account that has not confirmed its address gets no notification; the link it is mailed, once,
 * confirms it; a link Redis lost is mailed by the reconciler, still once.
 */
describe('email verification (real worker-email, real SMTP)', () => {
  let p: Pipeline;
  let secret: string;
  const deps = () => ({ db: p.db, queues: p.queues, config: p.config, urlSigningSecret: secret });
  const mailsTo = (address: string) =>
    p.smtp.messages.filter((m) => m.to && JSON.stringify(m.to).toLowerCase().includes(address));

  beforeAll(async () => {
    p = await startPipeline('verify-email');
    secret = loadUrlSigningSecret(p.config);
    await p.startWorker('email');
  }, 120_000);

  afterAll(async () => {
    await p?.stop();
  });

  async function notifyReady(ownerId: string) {
    const media = await createReadyMedia(p.db, { ownerId });
    const jobId = mediaJobId(media.id, 'notify');
    const job = jobOf(notifyMediaJob, p.config, { v: 1, mediaId: media.id }, { jobId });
    await p.queues.email.add(job.name, job.data, job.opts);
    await waitFor(async () => (await p.queues.email.getJobState(jobId)) === 'completed', {
      timeoutMs: 30_000,
      intervalMs: 50,
      message: `notify ${media.id} completed`,
    });
    return media.id;
  }

  it('an unconfirmed account gets no notification, then one mailed link confirms it and mail flows', async () => {
    const user = await createTestUser(p.db, { emailVerifiedAt: null });
    const first = await notifyReady(user.id);
    expect(mailsTo(user.email)).toHaveLength(0);
    const settled = await p.db.notification.findFirstOrThrow({ where: { mediaId: first } });
    expect([settled.sentAt, settled.error]).toEqual([null, expect.stringContaining('not confirmed')]);

    const request = await requestVerificationEmail(deps(), user.id);
    expect(request).toMatchObject({ status: 'queued', recipient: user.email });
    const [mail] = await waitFor(() => (mailsTo(user.email).length > 0 ? mailsTo(user.email) : undefined), {
      timeoutMs: 30_000,
      intervalMs: 50,
      message: 'the verification mail',
    });
    expect(mail!.subject).toBe('Confirm your email address for Fjord');
    const link = /http:\/\/fjord\.test\/verify-email\?token=\S+/.exec(mail!.text ?? '')?.[0];
    expect(link).toBeDefined();
    // Sent once; the link is not kept after it went out.
    const row = await waitFor(
      async () =>
        (await p.db.accountEmail.findFirst({ where: { userId: user.id, sentAt: { not: null } } })) ??
        undefined,
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(row.link).toBeNull();

    const token = new URL(link!).searchParams.get('token')!;
    expect(await confirmEmail(p.db, { secret, token })).toEqual({ userId: user.id, outcome: 'verified' });
    expect(await confirmEmail(p.db, { secret, token })).toEqual({
      userId: user.id,
      outcome: 'already-verified',
    });

    await notifyReady(user.id);
    await waitFor(() => mailsTo(user.email).length === 2 || undefined, { timeoutMs: 15_000, intervalMs: 50 });
    expect(mailsTo(user.email).map((m) => m.subject)).toEqual([
      'Confirm your email address for Fjord',
      'Ready: a.png',
    ]);
    // The first upload's notification stays settled: no late mail for it after the confirmation.
    expect(await p.db.notification.count({ where: { mediaId: first, sentAt: { not: null } } })).toBe(0);
  });

  it('a second link within a minute is refused in words; a confirmed account is sent none', async () => {
    const user = await createTestUser(p.db, { emailVerifiedAt: null });
    await requestVerificationEmail(deps(), user.id);
    await expect(requestVerificationEmail(deps(), user.id)).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('less than a minute ago'),
    });
    const confirmed = await createTestUser(p.db);
    expect(await requestVerificationEmail(deps(), confirmed.id)).toEqual({
      status: 'already-verified',
      recipient: confirmed.email,
    });
    expect(await p.db.accountEmail.count({ where: { userId: confirmed.id } })).toBe(0);
  });

  it('a link whose job Redis lost is mailed by the reconciler, once', async () => {
    const user = await createTestUser(p.db, { emailVerifiedAt: null });
    const row = await p.db.accountEmail.create({
      data: {
        userId: user.id,
        kind: 'VERIFY_EMAIL',
        recipient: user.email,
        messageId: `<account-lost-${user.id}-verify-email@fjord>`,
        link: 'http://fjord.test/verify-email?token=lost',
        createdAt: new Date(Date.now() - 10 * 60_000),
      },
    });
    const sweep = () => redriveAccountEmails({ ...deps(), staleAfterMs: 60_000, logger: silentLogger });
    expect((await sweep()).resent).toEqual([row.id]);
    await waitFor(() => mailsTo(user.email).length === 1 || undefined, { timeoutMs: 30_000, intervalMs: 50 });
    await waitFor(
      async () => (await p.db.accountEmail.findUniqueOrThrow({ where: { id: row.id } })).sentAt ?? undefined,
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect((await sweep()).resent).toEqual([]);
    expect(mailsTo(user.email)).toHaveLength(1);
  });
});

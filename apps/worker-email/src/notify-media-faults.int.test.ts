import type { Config } from '@fjord/config';
import { createMailer, type Mailer } from '@fjord/email';
import {
  QueueName,
  createMediaEventPublisher,
  createQueues,
  mediaJobId,
  jobOf,
  notifyMediaJob,
  runWorker,
  type Job,
  type MediaEventPublisher,
  type Queues,
  type RunningWorker,
} from '@fjord/queue';
import {
  closedLoopbackPort,
  createReadyMedia,
  createTestDatabase,
  createTestUser,
  silentLogger,
  startFaultySmtpServer,
  testConfig,
  waitFor,
  type FaultySmtpServer,
  type TestDatabase,
} from '@fjord/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyProcessor, notificationMessageId } from './notify-media.processor';

/** One notify worker (real mailer, real queue) against an SMTP URL, on its own queue prefix. */
async function startNotifyWorker(
  database: TestDatabase,
  smtpUrl: string,
  opts: { sendLeaseMs?: number; env?: Record<string, string> } = {},
) {
  const config: Config = testConfig({
    DATABASE_URL: database.url,
    SMTP_URL: smtpUrl,
    JOB_ATTEMPTS: '3',
    JOB_BACKOFF_MS: '100',
    SMTP_CONNECTION_TIMEOUT_MS: '1000',
    SMTP_GREETING_TIMEOUT_MS: '300',
    SMTP_SOCKET_TIMEOUT_MS: '500',
    ...opts.env,
  });
  const queues: Queues = createQueues(config);
  const mailer: Mailer = createMailer(config);
  const events: MediaEventPublisher = createMediaEventPublisher(config);
  const worker: RunningWorker = await runWorker({
    queueName: QueueName.email,
    processor: createNotifyProcessor({
      db: database.db,
      mailer,
      events,
      logger: silentLogger,
      publicUrl: 'http://fjord.test',
      sendLeaseMs: opts.sendLeaseMs,
    }),
    concurrency: 1,
    config,
    logger: silentLogger,
  });

  /** A READY media of a new user, and its notify job as the flow would add it. */
  async function notify(
    beforeAdd?: (mediaId: string, messageId: string) => Promise<void>,
  ): Promise<{ mediaId: string; messageId: string; jobId: string }> {
    const owner = await createTestUser(database.db);
    const media = await createReadyMedia(database.db, { ownerId: owner.id });
    await beforeAdd?.(media.id, notificationMessageId(media.id, 'MEDIA_READY'));
    const jobId = mediaJobId(media.id, 'notify');
    const job = jobOf(notifyMediaJob, config, { v: 1, mediaId: media.id }, { jobId });
    await queues.email.add(job.name, job.data, job.opts);
    return { mediaId: media.id, messageId: notificationMessageId(media.id, 'MEDIA_READY'), jobId };
  }

  async function finished(jobId: string, timeoutMs = 15_000): Promise<{ job: Job; state: string }> {
    return waitFor(
      async () => {
        const state = await queues.email.getJobState(jobId);
        if (state !== 'completed' && state !== 'failed') return undefined;
        // Read after the state, so the job's fields are those of its last attempt.
        const job = await queues.email.getJob(jobId);
        return job ? { job, state } : undefined;
      },
      { timeoutMs, intervalMs: 25, message: `job ${jobId} finished` },
    );
  }

  async function close() {
    await worker.close();
    await queues.email.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
    await mailer.close();
    await events.close();
  }

  return { notify, finished, close, queues };
}

describe('notify under SMTP faults (real worker, real mailer, real SMTP on loopback)', () => {
  let database: TestDatabase;
  let smtp: FaultySmtpServer;
  let worker: Awaited<ReturnType<typeof startNotifyWorker>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startFaultySmtpServer();
    worker = await startNotifyWorker(database, smtp.url);
  });

  afterAll(async () => {
    await worker?.close();
    await smtp?.close();
    await database?.drop();
  });

  it('a run that finds another run sending (an unexpired lease) waits, and sends only after the lease', async () => {
    // What a stalled job's twin sees: the first run, still alive, holds the send lease.
    const leaseUntil = new Date(Date.now() + 5_000);
    const { messageId, jobId } = await worker.notify(async (mediaId, id) => {
      await database.db.notification.create({
        data: {
          mediaId,
          kind: 'MEDIA_READY',
          recipient: 'first@example.com',
          messageId: id,
          claimedUntil: leaseUntil,
        },
      });
    });
    await waitFor(async () => ((await worker.queues.email.getJob(jobId))?.attemptsStarted ?? 0) >= 2, {
      timeoutMs: 4_000,
      intervalMs: 20,
      message: 'notify deferred at least once',
    });
    expect(smtp.copiesOf(messageId)).toBe(0);
    const { state } = await worker.finished(jobId, 40_000);
    expect(state).toBe('completed');
    expect(Date.now()).toBeGreaterThanOrEqual(leaseUntil.getTime());
    expect(smtp.copiesOf(messageId)).toBe(1);
  });

  it('451 to RCPT TO: retried with backoff, and exactly one message arrives', async () => {
    smtp.failNext('rcpt-451');
    const { mediaId, messageId, jobId } = await worker.notify();
    const { job, state } = await worker.finished(jobId);
    expect(state).toBe('completed');
    expect(job.attemptsMade).toBe(2);
    expect(job.returnvalue).toMatchObject({ sent: true, messageId });
    expect(smtp.copiesOf(messageId)).toBe(1);
    const { logs } = await worker.queues.email.getJobLogs(jobId);
    expect(logs.join('\n')).toMatch(/not sent \(transient\): 451 4\.3\.0/);
    const row = await database.db.notification.findFirstOrThrow({ where: { mediaId } });
    expect(row).toMatchObject({ failedAt: null, error: null });
    expect(row.sentAt).toBeInstanceOf(Date);
  });

  it('550 to RCPT TO: fails at once, no retry, recorded as failed for that address with the reason', async () => {
    smtp.failNext('rcpt-550');
    const before = smtp.stats().transactions;
    const { mediaId, messageId, jobId } = await worker.notify();
    const { job, state } = await worker.finished(jobId);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(
      /^The mail server refused the message: 550 5\.1\.1 <.+>: mailbox unavailable$/,
    );
    expect(smtp.stats().transactions - before).toBe(1);
    expect(smtp.copiesOf(messageId)).toBe(0);
    const row = await database.db.notification.findFirstOrThrow({ where: { mediaId } });
    expect(row.sentAt).toBeNull();
    expect(row.failedAt).toBeInstanceOf(Date);
    expect(row.error).toBe(job.failedReason);
    expect(row.error).toContain(`<${row.recipient}>`);
  });

  it('a server that never answers DATA: the attempt ends at the socket timeout and the retry sends', async () => {
    smtp.failNext('stall-after-data');
    const started = Date.now();
    const { messageId, jobId } = await worker.notify();
    const { job, state } = await worker.finished(jobId);
    expect(state).toBe('completed');
    expect(job.attemptsMade).toBe(2);
    // ~0.7 s (500 ms socket timeout + 100 ms backoff + the retry) instead of nodemailer's 10-minute
    // default; the margin is for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    const { logs } = await worker.queues.email.getJobLogs(jobId);
    expect(logs.join('\n')).toMatch(/not sent \(transient\): Timeout/);
    // The stalled server had read the message: it holds an unacknowledged copy, same Message-ID.
    expect(smtp.received.filter((r) => r.messageId === messageId).map((r) => r.acknowledged)).toEqual([
      false,
      true,
    ]);
  });

  it('a server that never greets: the attempt ends at the greeting timeout and the retry sends once', async () => {
    smtp.failNext('stall-greeting');
    const started = Date.now();
    const { messageId, jobId } = await worker.notify();
    const { state } = await worker.finished(jobId);
    expect(state).toBe('completed');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(smtp.copiesOf(messageId)).toBe(1);
  });

  it('a refused connection is an outage, not a failure: retried past JOB_ATTEMPTS, the row says why, never failed', async () => {
    const refused = await startNotifyWorker(database, `smtp://127.0.0.1:${await closedLoopbackPort()}`);
    try {
      const { mediaId, jobId } = await refused.notify();
      // Three attempts with backoff, then waits (moveToDelayed, no attempt spent) for as long as it takes.
      const job = await waitFor(
        async () => {
          const j = await refused.queues.email.getJob(jobId);
          return j && j.attemptsStarted >= 5 ? j : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 50, message: 'notify started 5 times' },
      );
      expect(await job.getState()).not.toBe('failed');
      expect(job.attemptsMade).toBeLessThanOrEqual(3);
      const row = await database.db.notification.findFirstOrThrow({ where: { mediaId } });
      // The job keeps retrying while we look: a run may hold the send lease right now.
      expect(row).toMatchObject({ sentAt: null, failedAt: null });
      expect(row.error).toMatch(/^Not sent yet after \d+ attempt\(s\), retrying: .*ECONNREFUSED/);
    } finally {
      await refused.close();
    }
  });
});

// The send lease is short and renewed while a send is in flight (ADR 0025): a killed sender's mail is taken
// over within one lease, and a slow but live send keeps its lease however long it takes.
describe('the send lease while a slow send is in flight', () => {
  let database: TestDatabase;
  let smtp: FaultySmtpServer;
  let worker: Awaited<ReturnType<typeof startNotifyWorker>>;
  const leaseMs = 900;

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startFaultySmtpServer({ slowReplyMs: 3_000 });
    worker = await startNotifyWorker(database, smtp.url, {
      sendLeaseMs: leaseMs,
      env: { SMTP_SOCKET_TIMEOUT_MS: '10000' },
    });
  });

  afterAll(async () => {
    await worker?.close();
    await smtp?.close();
    await database?.drop();
  });

  it('is renewed, never lapses during the 3 s send (3 leases long), and one message arrives', async () => {
    smtp.failNext('slow-after-data');
    const { mediaId, messageId, jobId } = await worker.notify();
    const samples: { at: number; until: number }[] = [];
    await waitFor(
      async () => {
        const row = await database.db.notification.findFirst({
          where: { mediaId },
          select: { sentAt: true, claimedUntil: true },
        });
        if (row?.claimedUntil && !row.sentAt)
          samples.push({ at: Date.now(), until: row.claimedUntil.getTime() });
        return Boolean(row?.sentAt);
      },
      { timeoutMs: 15_000, intervalMs: 50, message: 'the slow send to be recorded' },
    );
    expect(samples.length).toBeGreaterThan(20);
    // A lapsed lease would let another run claim the send: every look during the send saw it ahead.
    expect(samples.filter((s) => s.until <= s.at)).toEqual([]);
    expect(new Set(samples.map((s) => s.until)).size).toBeGreaterThanOrEqual(4);
    expect(samples.at(-1)!.at - samples[0]!.at).toBeGreaterThan(2 * leaseMs);
    const { state } = await worker.finished(jobId);
    expect(state).toBe('completed');
    expect(smtp.copiesOf(messageId)).toBe(1);
  });
});

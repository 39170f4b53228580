import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@fjord/auth';
import { NOTIFY_SEND_LEASE_MS } from '@fjord/ingest';
import type { Config } from '@fjord/config';
import {
  IMAGE_VARIANTS,
  JobName,
  createMediaFlowEnqueuer,
  createQueues,
  mediaJobId,
  startMaintenanceSchedule,
  sweepStuckMediaJob,
  webhookJobId,
  type TranscodeJobData,
} from '@fjord/queue';
import {
  createTestDatabase,
  createTestUser,
  silentLogger as silent,
  testConfig,
  waitFor,
  type TestDatabase,
} from '@fjord/testing';
import { createSweepProcessor } from './sweep-stuck-media.processor';

let database: TestDatabase;
let config: Config;
let queues: ReturnType<typeof createQueues>;
let enqueuer: ReturnType<typeof createMediaFlowEnqueuer>;
let owner: { id: string; email: string };

beforeAll(async () => {
  database = await createTestDatabase();
  config = testConfig({ DATABASE_URL: database.url });
  queues = createQueues(config);
  enqueuer = createMediaFlowEnqueuer({ config, queues });
  owner = await createTestUser(database.db);
});
afterAll(async () => {
  await enqueuer?.close();
  await queues?.close();
  await database?.drop();
});

const sweeper = () =>
  createSweepProcessor({ db: database.db, queues, enqueuer, config, staleAfterMs: 30_000, logger: silent });

async function createMedia(status: 'QUEUED' | 'PROCESSING' | 'READY' | 'FAILED', ageMs = 60_000) {
  const id = randomUUID();
  await database.db.media.create({
    data: {
      id,
      ownerId: owner.id,
      kind: 'IMAGE',
      status,
      originalName: `${status.toLowerCase()}.jpg`,
      mimeType: 'image/jpeg',
      sizeBytes: 10n,
      sha256: 'x',
      storageKey: `media/${id}/original.jpg`,
      variantsTotal: IMAGE_VARIANTS.length,
      ...(status === 'READY' || status === 'FAILED' ? { finishedAt: new Date(Date.now() - ageMs) } : {}),
    },
  });
  // @updatedAt is set by Prisma on every write: age the row in SQL.
  await database.db
    .$executeRaw`UPDATE "Media" SET "updatedAt" = now() - make_interval(secs => ${ageMs / 1000}) WHERE id = ${id}::uuid`;
  return id;
}

/** Runs one job under `jobId` on the email queue to completion, as a finished flow leaves it retained. */
async function completeNotifyJob(mediaId: string) {
  const jobId = mediaJobId(mediaId, 'notify');
  await queues.email.add(JobName.notifyMedia, { v: 1, mediaId }, { jobId });
  const worker = new Worker('email', async () => ({ sent: false }), {
    connection: { url: config.REDIS_URL },
    prefix: config.QUEUE_PREFIX,
  });
  await waitFor(async () => (await queues.email.getJobState(jobId)) === 'completed', { timeoutMs: 10_000 });
  await worker.close();
}

describe('maintenance sweep', () => {
  it('drops Idempotency-Key rows and sessions past their expiry and keeps live ones', async () => {
    const { db } = database;
    const user = await createTestUser(db);
    const { apiKey } = await createApiKey({ db, userId: user.id, name: 'k' });
    const row = (key: string, expiresAt: Date) => ({
      apiKeyId: apiKey.id,
      route: 'POST /api/v1/media',
      key,
      requestHash: 'h',
      expiresAt,
    });
    await db.idempotencyKey.createMany({
      data: [row('old', new Date(Date.now() - 1000)), row('live', new Date(Date.now() + 3_600_000))],
    });
    await db.session.createMany({
      data: [
        { userId: user.id, tokenHash: `old-${randomUUID()}`, expiresAt: new Date(Date.now() - 1000) },
        { userId: user.id, tokenHash: 'live', expiresAt: new Date(Date.now() + 3_600_000) },
      ],
    });
    expect(await sweeper()()).toMatchObject({ expiredIdempotencyKeys: 1, expiredSessions: 1 });
    expect((await db.idempotencyKey.findMany({ select: { key: true } })).map((r) => r.key)).toEqual(['live']);
    expect((await db.session.findMany({ where: { userId: user.id } })).map((s) => s.tokenHash)).toEqual([
      'live',
    ]);
    expect(await sweeper()()).toMatchObject({ expiredIdempotencyKeys: 0, expiredSessions: 0 });
  });

  it('re-drives unfinished media with no live flow, as a fresh run, and leaves live and recent ones alone', async () => {
    const { db } = database;
    const lostProcessing = await createMedia('PROCESSING');
    const lostQueued = await createMedia('QUEUED');
    const deadFlow = await createMedia('PROCESSING');
    await completeNotifyJob(deadFlow); // its root finished, yet the row never reached an outcome
    const live = await createMedia('PROCESSING');
    await enqueuer.enqueueMediaFlow({ mediaId: live, run: 1, variants: ['thumb-webp'] });
    const recent = await createMedia('QUEUED', 0);

    const { requeued } = await sweeper()();
    expect(requeued.sort()).toEqual([lostProcessing, lostQueued, deadFlow].sort());
    for (const id of requeued) {
      expect(await db.media.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: 'QUEUED',
        startedAt: null,
        run: 1, // created on run 0 here: the claim started run 1
      });
      expect(await queues.email.getJobState(mediaJobId(id, 'notify'))).toBe('waiting-children');
      const child = await queues.transcode.getJob(mediaJobId(id, 'transcode', 'thumb-webp'));
      expect((child?.data as TranscodeJobData).run).toBe(1); // the new run's own keys and fence
      expect((await queues.db.getJob(mediaJobId(id, 'finalize')))?.data.run).toBe(1);
    }
    expect((await db.media.findUniqueOrThrow({ where: { id: live } })).status).toBe('PROCESSING');
    expect(await queues.email.getJob(mediaJobId(recent, 'notify'))).toBeUndefined();

    // Idempotent: every flow is live now (and the claim bumped updatedAt).
    await db.$executeRaw`UPDATE "Media" SET "updatedAt" = now() - interval '1 minute' WHERE id <> ${recent}::uuid`;
    expect((await sweeper()()).requeued).toEqual([]);
  });

  it('two replicas sweeping at once re-drive a lost media once', async () => {
    const id = await createMedia('PROCESSING');
    const [a, b] = await Promise.all([sweeper()(), sweeper()()]);
    expect([...a.requeued, ...b.requeued].filter((m) => m === id)).toEqual([id]);
  });

  it('re-adds the notify job of a finished media whose email was never sent, never one already sent', async () => {
    const { db } = database;
    const owed = await createMedia('READY');
    const sent = await createMedia('READY');
    await db.notification.create({
      data: {
        mediaId: sent,
        kind: 'MEDIA_READY',
        recipient: owner.email,
        messageId: 'm',
        sentAt: new Date(),
      },
    });
    const failedOwed = await createMedia('FAILED');
    // A notify run whose job Redis lost may still be sending: its fresh unsent row is left alone...
    const sending = await createMedia('READY');
    await db.notification.create({
      data: { mediaId: sending, kind: 'MEDIA_READY', recipient: owner.email, messageId: 'm' },
    });
    // ...while an unsent row older than any SMTP exchange is owed again.
    const abandoned = await createMedia('READY');
    await db.notification.create({
      data: {
        mediaId: abandoned,
        kind: 'MEDIA_READY',
        recipient: owner.email,
        messageId: 'm',
        createdAt: new Date(Date.now() - NOTIFY_SEND_LEASE_MS - 60_000),
      },
    });
    const result = await sweeper()();
    expect(result.renotified.sort()).toEqual([owed, failedOwed, abandoned].sort());
    expect(await queues.email.getJobState(mediaJobId(owed, 'notify'))).toBe('waiting');
    expect(await queues.email.getJob(mediaJobId(sent, 'notify'))).toBeUndefined();
    expect((await sweeper()()).renotified).toEqual([]); // the job exists now
  });

  it('re-queues a PENDING webhook delivery whose job was lost, and only that one', async () => {
    const { db } = database;
    const endpoint = await db.webhookEndpoint.create({
      data: {
        userId: owner.id,
        url: 'https://example.com/hook',
        secretCiphertext: 'x',
        events: ['media.ready'],
      },
    });
    const delivery = (eventId: string, status: 'PENDING' | 'SUCCEEDED' = 'PENDING') =>
      db.webhookDelivery.create({
        data: {
          endpointId: endpoint.id,
          eventId,
          event: 'media.ready',
          payload: {},
          status,
          createdAt: new Date(Date.now() - 60_000),
        },
      });
    const lost = await delivery('e1');
    const queued = await delivery('e2');
    await queues.webhooks.add(
      JobName.deliverWebhook,
      { v: 1, deliveryId: queued.id },
      { jobId: webhookJobId(queued.id, 3), delay: 60_000 },
    );
    await db.webhookAttempt.createMany({
      data: [1, 2].map((attempt) => ({ deliveryId: queued.id, attempt, durationMs: 1 })),
    });
    await delivery('e3', 'SUCCEEDED');

    expect((await sweeper()()).redelivered).toEqual([lost.id]);
    expect(await queues.webhooks.getJobState(webhookJobId(lost.id))).toBe('waiting');
    expect((await sweeper()()).redelivered).toEqual([]);
  });

  it('re-creates its schedule when Redis lost it', async () => {
    const schedule = await startMaintenanceSchedule({
      queues,
      everyMs: 60_000,
      checkEveryMs: 100,
      logger: silent,
    });
    try {
      const scheduler = await queues.maintenance.getJobScheduler(JobName.sweepStuckMedia);
      // What each tick adds is the job definition's, not a copy of its options.
      expect(scheduler?.template?.opts).toMatchObject(sweepStuckMediaJob.options(undefined));
      await queues.maintenance.removeJobScheduler(JobName.sweepStuckMedia);
      await waitFor(async () => Boolean(await queues.maintenance.getJobScheduler(JobName.sweepStuckMedia)), {
        timeoutMs: 5_000,
      });
    } finally {
      schedule.stop();
    }
  });
});

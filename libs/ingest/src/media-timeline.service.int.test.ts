import { Readable } from 'node:stream';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient } from '@fjord/db';
import { closeRedis, createRedis, IMAGE_VARIANTS, QueueName } from '@fjord/queue';
import { createTestUser, waitFor } from '@fjord/testing';
import { createIngestService } from './ingest.service';
import { buildMediaTimeline, formatMediaTimeline } from './media-timeline.service';
import { createPersonWorld, silentLogger as silent, type PersonWorld } from './test/person-world';

const jpeg = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]),
  Buffer.alloc(500, 7),
]);

/**
 * The timeline from real Postgres rows and real BullMQ jobs: an ingested upload whose transcode jobs a
 * real worker ran (one fails once and is retried), a committed rendition, the sent email and a webhook
 * attempt; then the same media once Redis no longer keeps its jobs.
 */
describe('media timeline (real Postgres and Redis)', () => {
  let world: PersonWorld;
  let config: PersonWorld['config'];
  let db: DbClient;
  let queues: PersonWorld['queues'];
  let enqueuer: PersonWorld['enqueuer'];

  beforeAll(async () => {
    world = await createPersonWorld({ JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '10' });
    ({ config, db, queues, enqueuer } = world);
  });
  afterAll(() => world?.close());

  it('orders ingest, each job (wait, run, attempts), the commit, the email and the webhook attempt', async () => {
    const owner = await createTestUser(db);
    const ingest = createIngestService({
      db,
      storage: world.storage,
      enqueuer,
      config,
      logger: silent,
    });
    const { id: mediaId } = await ingest.ingestUpload({
      ownerId: owner.id,
      filename: 'a.jpg',
      body: Readable.from([jpeg]),
    });

    const connection = createRedis(config, 'worker', silent);
    const failedOnce = new Set<string>();
    const worker = new Worker(
      QueueName.transcode,
      async (job) => {
        if (job.id!.endsWith(IMAGE_VARIANTS[0]!.name) && !failedOnce.has(job.id!)) {
          failedOnce.add(job.id!);
          throw new Error('disk hiccup');
        }
        return {};
      },
      { connection, prefix: config.QUEUE_PREFIX },
    );
    try {
      await waitFor(
        async () => (await queues.transcode.getJobCounts('completed')).completed === IMAGE_VARIANTS.length,
        { timeoutMs: 15_000, intervalMs: 50, message: 'the transcode jobs' },
      );
    } finally {
      await worker.close();
      await closeRedis(connection);
    }
    const finishedAt = new Date();
    await db.media.update({ where: { id: mediaId }, data: { status: 'READY', finishedAt } });
    await db.rendition.create({
      data: {
        mediaId,
        name: 'thumb',
        format: 'webp',
        mimeType: 'image/webp',
        width: 1,
        height: 1,
        bytes: 42,
        storageKey: 'k',
        createdAt: new Date(finishedAt.getTime() - 1),
      },
    });
    await db.notification.create({
      data: {
        mediaId,
        kind: 'MEDIA_READY',
        recipient: owner.email,
        messageId: '<m@x>',
        sentAt: new Date(finishedAt.getTime() + 5),
      },
    });
    const endpoint = await db.webhookEndpoint.create({
      data: {
        userId: owner.id,
        url: 'https://hooks.example.test/path?token=secret',
        secretCiphertext: 'x',
        events: ['media.ready'],
      },
    });
    await db.webhookDelivery.create({
      data: {
        endpointId: endpoint.id,
        eventId: `media.${mediaId}.ready`,
        event: 'media.ready',
        payload: {},
        status: 'SUCCEEDED',
        attempts: 1,
        log: {
          create: {
            attempt: 1,
            statusCode: 204,
            durationMs: 17,
            createdAt: new Date(finishedAt.getTime() + 10),
          },
        },
      },
    });

    const timeline = (await buildMediaTimeline({ db, queues }, mediaId))!;
    expect(timeline).toMatchObject({ mediaId, status: 'READY', run: 1 });
    const steps = timeline.entries.map((e) => e.step);
    expect(steps[0]).toBe('ingest');
    expect(timeline.entries.map((e) => e.offsetMs)).toEqual(
      timeline.entries.map((e) => Date.parse(e.at) - Date.parse(timeline.entries[0]!.at)),
    );
    expect(steps.slice(-3)).toEqual(['commit', 'email MEDIA_READY', 'webhook media.ready']);
    expect([...timeline.entries].sort((a, b) => a.at.localeCompare(b.at))).toEqual(timeline.entries);
    for (const v of IMAGE_VARIANTS) {
      const job = timeline.entries.find((e) => e.step === `transcode ${v.name}`)!;
      expect(job.service).toBe('worker-transcode');
      expect(job.durationMs).toBeGreaterThanOrEqual(0);
      const attempts = v.name === IMAGE_VARIANTS[0]!.name ? 2 : 1;
      expect(job.detail).toMatch(new RegExp(`^waited \\d+ ms, ${attempts} attempts?, done$`));
    }
    // finalize and notify are still waiting for their children (no worker runs them here).
    expect(timeline.entries.find((e) => e.step === 'finalize')?.detail).toContain('not finished');
    const hook = timeline.entries.at(-1)!;
    expect(hook).toMatchObject({ service: 'worker-webhook', durationMs: 17 });
    expect(hook.detail).toBe('attempt 1 to hooks.example.test: HTTP 204 (delivery SUCCEEDED)');
    expect(timeline.jobsNotRetained).toEqual([]);
    const text = formatMediaTimeline(timeline);
    expect(text.split('\n')[0]).toBe(`media ${mediaId} · READY · run 1`);
    expect(text).not.toContain('token=secret');

    // Retention removed the jobs: Postgres still tells the story, and says what is missing.
    await queues.transcode.obliterate({ force: true });
    await Promise.all([queues.db.obliterate({ force: true }), queues.email.obliterate({ force: true })]);
    const later = (await buildMediaTimeline({ db, queues }, mediaId))!;
    expect(later.jobsNotRetained).toEqual([
      ...IMAGE_VARIANTS.map((v) => `transcode ${v.name}`),
      'finalize',
      'notify',
    ]);
    expect(later.entries.map((e) => e.step)).toContain('commit');
    expect(formatMediaTimeline(later)).toContain('(jobs no longer in Redis: ');
    expect(await buildMediaTimeline({ db, queues }, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
  }, 60_000);
});

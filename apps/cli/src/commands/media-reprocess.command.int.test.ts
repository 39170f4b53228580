import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireBulkReprocessLease, createMediaReprocessing, runBulkReprocess } from '@fjord/ingest';
import { createPersonWorld, type PersonWorld } from '@fjord/ingest/testing';
import { bulkReprocessLeaseKey, closeRedis, createRedis, JobName, mediaJobId, QueueName } from '@fjord/queue';
import { createReadyMedia, createTestUser, silentLogger, waitFor } from '@fjord/testing';
import { cliEnvOf, runCli } from '../test/run-cli';

let world: PersonWorld;
beforeAll(async () => {
  world = await createPersonWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('fjord media reprocess --preset', () => {
  it('previews "N images, ~X CPU-minutes" from measured jobs, asks for --yes, then queues each once', async () => {
    const { config, db, queues } = world;
    const env = {
      DATABASE_URL: world.database.url,
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      FJORD_DATA_DIR: config.dataDir,
    };
    const user = await createTestUser(db);
    const past = new Date(Date.now() - 60_000);
    const image = { ownerId: user.id, width: 4000, height: 3000, finishedAt: past };
    const images = [
      await createReadyMedia(db, image),
      await createReadyMedia(db, image),
      await createReadyMedia(db, image),
    ];
    const video = await createReadyMedia(db, { ...image, kind: 'VIDEO', mimeType: 'video/mp4' });
    await createReadyMedia(db, { ...image, status: 'FAILED' });

    const none = await runCli(['media', 'reprocess', '--preset', 'card', '--dry-run'], env);
    expect(none.output).toContain('Preset card: 3 images (9 jobs, 36.0 MP), cost unknown');
    expect(none.code).toBe(0);

    // One finished image job, timed by BullMQ itself, is what the estimate is measured from.
    const connection = createRedis(config, 'worker', silentLogger);
    const worker = new Worker(
      QueueName.transcode,
      async () => {
        await new Promise((r) => setTimeout(r, 300));
        const file = { variant: 'thumb-webp', format: 'webp', mimeType: 'image/webp', bytes: 9 };
        const size = { width: 320, height: 160, storageKey: 'k', sourceWidth: 2000, sourceHeight: 1000 };
        return { ...file, ...size };
      },
      { connection, prefix: config.QUEUE_PREFIX },
    );
    const measured = await queues.transcode.add(JobName.transcodeImage, { v: 1 });
    const done = await waitFor(
      async () => {
        const job = await queues.transcode.getJob(measured.id!);
        return job?.finishedOn ? job : undefined;
      },
      { timeoutMs: 15_000, message: 'the measured job' },
    ).finally(async () => {
      await worker.close();
      await closeRedis(connection);
    });
    const msPerMp = (done.finishedOn! - done.processedOn!) / 2;
    const minutes = ((msPerMp * 36 * 3) / 60_000).toFixed(1);

    const preview = await runCli(['media', 'reprocess', '--preset', 'card', '--dry-run'], env);
    expect(preview.output).toContain(
      `Preset card: 3 images (9 jobs, 36.0 MP), ~${minutes} CPU-minutes (${Math.round(msPerMp)} ms per MP per job, measured over 1 recent jobs)`,
    );
    expect(preview.code).toBe(0);

    const refused = await runCli(['media', 'reprocess', '--preset', 'card'], env);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('--yes');
    expect(await db.media.count({ where: { status: 'READY', kind: 'IMAGE' } })).toBe(3);

    const unknown = await runCli(['media', 'reprocess', '--preset', 'nope', '--dry-run'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('There is no preset "nope"');

    const run = await runCli(['media', 'reprocess', '--preset', 'card', '--yes', '--rate', '50'], env);
    expect(run.output).toContain('Queued 3 images for reprocessing; 0 skipped');
    expect(run.code).toBe(0);
    const before = /--before (\S+)/.exec(run.output)![1]!;
    for (const m of images) {
      const row = await db.media.findUniqueOrThrow({ where: { id: m.id } });
      expect(row).toMatchObject({ status: 'QUEUED', run: m.run + 1 });
      expect(await queues.email.getJob(mediaJobId(m.id, 'notify'))).toBeDefined();
    }
    expect((await db.media.findUniqueOrThrow({ where: { id: video.id } })).status).toBe('READY');

    // Resuming with the cutoff it printed: nothing is left, nothing is queued twice.
    const again = await runCli(['media', 'reprocess', '--preset', 'card', '--yes', '--before', before], env);
    expect(again.output).toContain('Preset card: 0 images');
    expect(again.output).toContain('Queued 0 images');
    expect(again.code).toBe(0);
  }, 120_000);

  it('runs one bulk reprocess per preset at a time: a second start is refused until the first ends', async () => {
    const { config, db, queues } = world;
    const user = await createTestUser(db);
    const finishedAt = new Date(Date.now() - 60_000);
    const images = [
      await createReadyMedia(db, { ownerId: user.id, width: 10, height: 10, finishedAt }),
      await createReadyMedia(db, { ownerId: user.id, width: 10, height: 10, finishedAt }),
    ];

    // The first run, as the console starts it, held at its first image until the second start was seen.
    let reachFirst!: () => void;
    const atFirst = new Promise<void>((r) => (reachFirst = r));
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    const reprocess = createMediaReprocessing({ db, queues, enqueuer: world.enqueuer });
    const reprocessMedia = async (id: string) => {
      reachFirst();
      await gate;
      return reprocess(id);
    };
    const prefix = config.QUEUE_PREFIX;
    const lease = await acquireBulkReprocessLease({ queues, prefix }, 'card');
    const first = runBulkReprocess(
      { db, queues, presets: config.imagePresets, reprocessMedia, lease },
      { preset: 'card', before: new Date(), ratePerSecond: 50 },
    );
    await atFirst;
    // Held, and expiring: a run that dies frees the preset without anyone deleting the key.
    const leaseKey = bulkReprocessLeaseKey(prefix);
    expect(await queues.connection.pttl(leaseKey)).toBeGreaterThan(0);

    const refused = await runCli(['media', 'reprocess', '--preset', 'card', '--yes'], cliEnvOf(world));
    expect(refused.output).toContain('A bulk reprocess (preset "card") is already running');
    expect(refused.code).toBe(1);
    // Another preset too: every run re-runs whole flows, so it would queue the same images again.
    const other = await runCli(['media', 'reprocess', '--preset', 'hero', '--yes'], cliEnvOf(world));
    expect([other.code, other.output]).toEqual([
      1,
      expect.stringContaining('(preset "card") is already running'),
    ]);
    for (const m of images) expect((await db.media.findUniqueOrThrow({ where: { id: m.id } })).run).toBe(0);

    openGate();
    expect(await first).toMatchObject({ queued: 2, skipped: 0 });
    expect(await queues.connection.exists(leaseKey)).toBe(0);
    for (const m of images) expect((await db.media.findUniqueOrThrow({ where: { id: m.id } })).run).toBe(1);

    const accepted = await runCli(['media', 'reprocess', '--preset', 'card', '--yes'], cliEnvOf(world));
    expect(accepted.output).toContain('Queued 0 images for reprocessing');
    expect(accepted.code).toBe(0);
  }, 120_000);
});

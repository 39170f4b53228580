import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJpegFixture, createPhotoLikeJpeg } from '@fjord/media/testing';
import { IMAGE_VARIANTS, JobName, mediaJobId } from '@fjord/queue';
import { originalKey } from '@fjord/storage';
import { createTestUser, waitFor } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';

describe('pipeline recovery (crashed workers, lost flows, repeated notifications)', () => {
  let p: Pipeline;
  let owner: { id: string; email: string };

  beforeAll(async () => {
    p = await startPipeline('recovery', { SWEEPER_INTERVAL_MS: '500', SWEEPER_STALE_AFTER_MS: '1000' });
    owner = await createTestUser(p.db);
    await Promise.all([p.startWorker('db'), p.startWorker('email')]);
  });

  afterAll(async () => {
    await p?.stop();
  });

  it('(c) a transcode worker SIGKILLed mid-job: another worker takes the job over and the media gets READY', async () => {
    // 6 MP with photo-like detail and AVIF effort 9: the AVIF child runs for seconds, a wide window.
    const [first, photo] = await Promise.all([
      p.startWorker('transcode', { AVIF_EFFORT: '9', TRANSCODE_CONCURRENCY: '3' }),
      createPhotoLikeJpeg({ width: 3000, height: 2000 }),
    ]);
    const { id } = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'big.jpg', body: photo });

    await p.waitForStatus(id, ['PROCESSING'], 30_000);
    const avifJobId = mediaJobId(id, 'transcode', 'w1280-avif');
    await waitFor(async () => (await p.queues.transcode.getJobState(avifJobId)) === 'active', {
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    const killed = once(first.child, 'exit');
    first.child.kill('SIGKILL');
    await killed;
    expect(await p.queues.transcode.getJobState(avifJobId)).toBe('active'); // orphaned, lock still held

    await p.startWorker('transcode', { AVIF_EFFORT: '2' });
    const media = await p.waitForStatus(id, ['READY', 'FAILED'], 60_000);
    expect(media).toMatchObject({ status: 'READY', width: 3000, height: 2000 });
    const renditions = await p.db.rendition.findMany({ where: { mediaId: id } });
    expect(renditions.map((r) => r.name).sort()).toEqual(IMAGE_VARIANTS.map((v) => v.name).sort());
    for (const r of renditions) expect((await p.storage.stat(r.storageKey))?.size).toBe(Number(r.bytes));
    const avifJob = await p.queues.transcode.getJob(avifJobId);
    expect(avifJob?.attemptsStarted).toBeGreaterThanOrEqual(2); // started by the dead worker, then again
    await p.smtp.waitForMessages(1);
    expect(p.smtp.messages.filter((m) => m.messageId === `<media-${id}-ready@fjord>`)).toHaveLength(1);
  }, 120_000);

  let sweptId: string;

  it('(e) a media row left QUEUED without a flow (crash between INSERT and enqueue) is swept to READY', async () => {
    const id = randomUUID();
    const storageKey = originalKey(id, 'jpg');
    const { bytes, sha256 } = await p.storage.put(
      storageKey,
      await createJpegFixture({ width: 900, height: 600 }),
    );
    await p.db.media.create({
      data: {
        id,
        ownerId: owner.id,
        kind: 'IMAGE',
        status: 'QUEUED',
        originalName: 'lost.jpg',
        mimeType: 'image/jpeg',
        sizeBytes: BigInt(bytes),
        sha256,
        storageKey,
        variantsTotal: IMAGE_VARIANTS.length,
        queuedAt: new Date(Date.now() - 5_000),
      },
    });
    expect(await p.queues.db.getJob(mediaJobId(id, 'finalize'))).toBeUndefined();

    const media = await p.waitForStatus(id, ['READY', 'FAILED'], 45_000);
    expect(media.status).toBe('READY');
    expect(await p.db.rendition.count({ where: { mediaId: id } })).toBe(IMAGE_VARIANTS.length);
    await waitFor(async () => p.smtp.messages.some((m) => m.messageId === `<media-${id}-ready@fjord>`), {
      timeoutMs: 20_000,
    });
    sweptId = id;
  }, 90_000);

  it('(d) a notify job that runs again (retried, or enqueued twice) sends no second email', async () => {
    const id = sweptId;
    const notifyId = mediaJobId(id, 'notify');
    // The email arrives a moment before the job records sentAt and completes.
    const original = await waitFor(
      async () =>
        (await p.queues.email.getJobState(notifyId)) === 'completed'
          ? p.queues.email.getJob(notifyId)
          : undefined,
      { timeoutMs: 10_000 },
    );
    expect(original?.returnvalue).toMatchObject({ kind: 'MEDIA_READY', sent: true });

    await original!.retry('completed');
    const duplicate = await p.queues.email.add(
      JobName.notifyMedia,
      { v: 1, mediaId: id },
      { jobId: `${notifyId}.again` },
    );
    for (const jobId of [notifyId, duplicate.id!]) {
      const job = await waitFor(
        async () => {
          const j = await p.queues.email.getJob(jobId);
          return j && j.finishedOn && j.attemptsStarted >= 1 && (await j.getState()) === 'completed'
            ? j
            : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      expect(job.returnvalue).toEqual({
        kind: 'MEDIA_READY',
        messageId: `<media-${id}-ready@fjord>`,
        sent: false,
      });
    }
    expect(p.smtp.messages.filter((m) => m.messageId === `<media-${id}-ready@fjord>`)).toHaveLength(1);
    expect(await p.db.notification.count({ where: { mediaId: id } })).toBe(1);
  });
});

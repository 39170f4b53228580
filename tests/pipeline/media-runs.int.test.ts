import { FlowProducer, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaReprocessing } from '@fjord/ingest';
import { createPhotoLikeJpeg } from '@fjord/media/testing';
import { IMAGE_VARIANTS, JobName, mediaJobId, type TranscodeJobResult } from '@fjord/queue';
import { createTestUser, uniquePrefix, waitFor } from '@fjord/testing';
// White-box on purpose: the late job must reach the real finalize processor in this process, at a moment the
// test picks; a spawned worker-db cannot be held that way. The one test that reaches into an app.
// eslint-disable-next-line @nx/enforce-module-boundaries, no-restricted-imports
import { createFinalizeProcessor } from '../../apps/worker-db/src/finalize-media.processor';
import { silentLogger, startPipeline, type Pipeline } from './pipeline-harness';

// A finalize of run 1 delivered after a reprocess started run 2 (a worker paused past its lock, a flow a
// dying request added late: docs/adr/0015-media-runs.md). It must change nothing; the media ends with
// run 2's renditions only, once.
describe('media runs: a stale run changes nothing', () => {
  let p: Pipeline;
  let photo: Buffer;

  beforeAll(async () => {
    p = await startPipeline('media-runs');
    [photo] = await Promise.all([
      createPhotoLikeJpeg({ width: 1600, height: 1200 }),
      p.startWorker('transcode'),
      p.startWorker('db'),
      p.startWorker('email'),
    ]);
  }, 180_000);

  afterAll(async () => {
    await p?.queues.db.resume();
    await p?.stop();
  });

  it("run 1's finalize delivered after reprocess started run 2 is rejected; run 2 alone is recorded", async () => {
    const owner = await createTestUser(p.db);
    const { id } = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'runs.jpg', body: photo });
    const run1 = await p.waitForStatus(id, ['READY', 'FAILED'], 60_000);
    expect({ status: run1.status, run: run1.run }).toEqual({ status: 'READY', run: 1 });
    const setA = await p.db.rendition.findMany({ where: { mediaId: id }, orderBy: { name: 'asc' } });
    expect(setA).toHaveLength(IMAGE_VARIANTS.length);
    for (const r of setA) expect(r.storageKey).toMatch(new RegExp(`^media/${id}/r/1/`));
    await waitFor(async () => (await p.queues.email.getJobState(mediaJobId(id, 'notify'))) === 'completed', {
      timeoutMs: 30_000,
    }); // run 1's flow over: a reprocess may start

    // Run 2, its finalize held back: the db queue paused while its children render.
    await p.queues.db.pause();
    await createMediaReprocessing({ db: p.db, queues: p.queues, enqueuer: p.enqueuer })(id);
    expect((await p.db.media.findUniqueOrThrow({ where: { id } })).run).toBe(2);
    await waitFor(
      async () =>
        (
          await Promise.all(
            IMAGE_VARIANTS.map((v) => p.queues.transcode.getJobState(mediaJobId(id, 'transcode', v.name))),
          )
        ).every((s) => s === 'completed'),
      { timeoutMs: 60_000, intervalMs: 100 },
    );

    // Run 1's finalize, late: a real job whose children return what run 1's children returned.
    const late = await deliverLateFinalize(
      p,
      id,
      1,
      setA.map((r) => resultOf(r, run1)),
    );
    expect(late).toEqual({ mediaId: id, status: 'STALE' });
    const during = await p.db.media.findUniqueOrThrow({ where: { id }, include: { renditions: true } });
    expect(during.run).toBe(2);
    expect(['QUEUED', 'PROCESSING']).toContain(during.status); // not READY with run 1's set
    expect(during.renditions.map((r) => r.storageKey).sort()).toEqual(setA.map((r) => r.storageKey).sort());
    for (const r of setA) expect(await p.storage.stat(r.storageKey)).not.toBeNull(); // still shown

    await p.queues.db.resume();
    const run2 = await p.waitForStatus(id, ['READY', 'FAILED'], 60_000);
    expect({ status: run2.status, error: run2.error, run: run2.run }).toEqual({
      status: 'READY',
      error: null,
      run: 2,
    });
    const setB = await p.db.rendition.findMany({ where: { mediaId: id } });
    expect(setB.map((r) => r.name).sort()).toEqual(IMAGE_VARIANTS.map((v) => v.name).sort()); // once each
    for (const r of setB) {
      expect(r.storageKey).toMatch(new RegExp(`^media/${id}/r/2/`));
      expect((await p.storage.stat(r.storageKey))?.size).toBe(Number(r.bytes));
    }
    // Run 1's files go only after run 2's commit (finalize deletes them once READY is visible), so look once
    // the flow is over: notify runs after its finalize child has returned.
    await waitFor(async () => (await p.queues.email.getJobState(mediaJobId(id, 'notify'))) === 'completed', {
      timeoutMs: 30_000,
    });
    for (const r of setA) expect(await p.storage.stat(r.storageKey)).toBeNull(); // swapped out by run 2
    expect(p.smtp.messages.filter((m) => m.messageId === `<media-${id}-ready@fjord>`)).toHaveLength(1);
  }, 240_000);
});

function resultOf(
  r: {
    name: string;
    format: string;
    mimeType: string;
    width: number;
    height: number;
    bytes: bigint | number;
    storageKey: string;
  },
  media: { width: number | null; height: number | null },
): TranscodeJobResult {
  return {
    variant: r.name,
    format: r.format,
    mimeType: r.mimeType,
    width: r.width,
    height: r.height,
    bytes: Number(r.bytes),
    storageKey: r.storageKey,
    sourceWidth: media.width ?? 1,
    sourceHeight: media.height ?? 1,
  };
}

/**
 * A finalize job of `run` on a scratch prefix (so the media's own job ids stay run 2's), its children
 * completed with `results`, processed by worker-db's real finalize processor against the real database
 * and storage. Resolves with the processor's result.
 */
async function deliverLateFinalize(p: Pipeline, mediaId: string, run: number, results: TranscodeJobResult[]) {
  const connection = { url: p.config.REDIS_URL };
  const prefix = uniquePrefix('late-run');
  const producer = new FlowProducer({ connection, prefix });
  await producer.add({
    name: JobName.finalizeMedia,
    queueName: 'late-db',
    data: { v: 1, mediaId, run, requestId: 'late' },
    children: results.map((r) => ({ name: JobName.transcodeImage, queueName: 'late-transcode', data: r })),
  });
  const children = new Worker('late-transcode', async (job) => job.data as TranscodeJobResult, {
    connection,
    prefix,
  });
  const finalize = createFinalizeProcessor({
    db: p.db,
    storage: p.storage,
    events: { publish: async () => undefined },
    logger: silentLogger,
  });
  let settle: { resolve(r: unknown): void; reject(err: unknown): void } | undefined;
  const done = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }));
  const worker = new Worker(
    'late-db',
    async (job) => {
      try {
        const result = await finalize.process(job.data, job);
        settle?.resolve(result);
        return result;
      } catch (err) {
        settle?.reject(err);
        throw err;
      }
    },
    { connection, prefix },
  );
  try {
    return await done;
  } finally {
    await Promise.all([worker.close(), children.close(), producer.close()]);
  }
}

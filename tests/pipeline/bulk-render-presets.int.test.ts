import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireBulkReprocessLease,
  previewBulkPresetRender,
  runBulkPresetRender,
  type BulkPresetRenderDeps,
} from '@fjord/ingest';
import { formatsOf, imageLimitsOf, imageTransformCacheKey, resolveImageOptions } from '@fjord/media';
import { createPhotoLikeJpeg } from '@fjord/media/testing';
import { renderPresetsJobId } from '@fjord/queue';
import { createTestUser, waitFor } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';

const CHANGED_CARD = 'w:200,h:120,fit:cover,g:centre';

// After an eager preset changed, the "eager renders only" bulk run (docs/adr/0027) renders the new
// options into the /img cache under the key /img now computes, and leaves the media's flow alone.
describe('bulk reprocess, eager renders only (real workers, sharp, Postgres, Redis)', () => {
  let p: Pipeline;
  let photo: Buffer;

  beforeAll(async () => {
    p = await startPipeline('bulk-render-presets', { IMAGE_EAGER_PRESETS: 'card' });
    [photo] = await Promise.all([
      createPhotoLikeJpeg({ width: 1200, height: 900 }),
      p.startWorker('transcode'),
      p.startWorker('db'),
      p.startWorker('email'),
    ]);
  }, 180_000);

  afterAll(async () => {
    await p?.stop();
  });

  const cacheKeysFor = (options: string, mediaId: string, run: number) => {
    const resolved = resolveImageOptions('preset:card', {
      ...imageLimitsOf(p.config),
      presets: { card: options },
    });
    return formatsOf(resolved).map((format) => imageTransformCacheKey({ resolved, format, mediaId, run }));
  };

  it('renders the changed preset into the cache without touching renditions or run', async () => {
    const owner = await createTestUser(p.db);
    const { id } = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'card.jpg', body: photo });
    expect(await p.waitForStatus(id, ['READY', 'FAILED'], 60_000)).toMatchObject({ status: 'READY' });
    const before = await p.db.media.findUniqueOrThrow({
      where: { id },
      select: { run: true, finishedAt: true, updatedAt: true, renditions: { orderBy: { name: 'asc' } } },
    });
    const oldKeys = cacheKeysFor(p.config.imagePresets.card!, id, before.run);
    const newKeys = cacheKeysFor(CHANGED_CARD, id, before.run);
    const keys = async () =>
      (await p.db.imageCacheEntry.findMany({ where: { mediaId: id }, select: { key: true } })).map(
        (r) => r.key,
      );
    expect((await keys()).sort()).toEqual([...oldKeys].sort());

    // The operator changed `card`: this process's config resolves it to the new options.
    const deps: BulkPresetRenderDeps = {
      db: p.db,
      queues: p.queues,
      presets: { ...p.config.imagePresets, card: CHANGED_CARD },
      eagerPresets: ['card'],
      config: p.config,
    };
    const cutoff = new Date();
    const preview = await previewBulkPresetRender(deps, { preset: 'card', before: cutoff });
    expect(preview).toMatchObject({ images: 1, jobsPerImage: 1, cpuMinutes: null });
    await expect(previewBulkPresetRender(deps, { preset: 'hero' })).rejects.toThrow(/not eager/);

    const lease = () =>
      acquireBulkReprocessLease({ queues: p.queues, prefix: p.config.QUEUE_PREFIX }, 'card');
    const run = { preset: 'card', before: cutoff, ratePerSecond: 50 };
    expect(await runBulkPresetRender({ ...deps, lease: await lease() }, run)).toMatchObject({ queued: 1 });
    const jobId = renderPresetsJobId({
      mediaId: id,
      run: before.run,
      presets: [{ name: 'card', options: CHANGED_CARD }],
    });
    await waitFor(async () => (await p.queues.transcode.getJobState(jobId)) === 'completed', {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const job = await p.queues.transcode.getJob(jobId);
    expect(job?.returnvalue).toMatchObject({ stored: 3, cached: 0, sourceWidth: 1200, sourceHeight: 900 });

    // The new options' renders are where /img looks now; the old ones no key reaches any more (LRU).
    const all = await keys();
    expect(all.sort()).toEqual([...oldKeys, ...newKeys].sort());
    expect(newKeys.some((k) => oldKeys.includes(k))).toBe(false);
    for (const row of await p.db.imageCacheEntry.findMany({ where: { key: { in: newKeys } } })) {
      expect((await p.storage.read(row.storageKey)).length).toBe(row.bytes);
    }
    const after = await p.db.media.findUniqueOrThrow({
      where: { id },
      select: { run: true, status: true, finishedAt: true, renditions: { orderBy: { name: 'asc' } } },
    });
    expect(after).toEqual({
      status: 'READY',
      run: before.run,
      finishedAt: before.finishedAt,
      renditions: before.renditions,
    });

    // The finished job is the measured cost; a second start queues nothing new and renders nothing.
    const measured = await previewBulkPresetRender(deps, { preset: 'card', before: cutoff });
    expect(measured.sample?.jobs).toBe(1);
    expect(measured.cpuMinutes).toBeGreaterThan(0);
    await runBulkPresetRender({ ...deps, lease: await lease() }, run);
    expect(await p.queues.transcode.getJobState(jobId)).toBe('completed');
    expect((await keys()).length).toBe(6);
  }, 180_000);
});

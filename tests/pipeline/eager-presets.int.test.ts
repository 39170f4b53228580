import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUrlSigningSecret, signImagePath } from '@fjord/auth';
import { createImageTransformHandler } from '@fjord/http';
import { createMediaReprocessing } from '@fjord/ingest';
import { transformImage } from '@fjord/media';
import { createPhotoLikeJpeg } from '@fjord/media/testing';
import { mediaJobId } from '@fjord/queue';
import { createTestUser, waitFor } from '@fjord/testing';
import { silentLogger, startPipeline, type Pipeline } from './pipeline-harness';

const FAR = 4_000_000_000;

// IMAGE_EAGER_PRESETS=card: processing renders the card preset into the /img cache (docs/adr/0027), so
// the first signed request for it, whatever format it negotiates, is served without a render.
describe('eager presets (real workers, the /img handler in this process)', () => {
  let p: Pipeline;
  let photo: Buffer;
  let renders = 0;
  let images: ReturnType<typeof createImageTransformHandler>;

  beforeAll(async () => {
    p = await startPipeline('eager-presets', { IMAGE_EAGER_PRESETS: 'card' });
    [photo] = await Promise.all([
      createPhotoLikeJpeg({ width: 1600, height: 1200 }),
      p.startWorker('transcode'),
      p.startWorker('db'),
      p.startWorker('email'),
    ]);
    images = createImageTransformHandler({
      db: p.db,
      storage: p.storage,
      config: p.config,
      urlSigningSecret: loadUrlSigningSecret(p.config),
      logger: silentLogger,
      queues: p.queues,
      render: (opts: Parameters<typeof transformImage>[0]) => {
        renders++;
        return transformImage(opts);
      },
    });
  }, 180_000);

  afterAll(async () => {
    await p?.stop();
  });

  async function getCard(mediaId: string, accept: string) {
    const path = signImagePath({
      secret: loadUrlSigningSecret(p.config),
      options: `preset:card,exp:${FAR}`,
      mediaId,
    });
    const [, , signature, options] = path.split('/');
    const req = new Request(`http://fjord.test${path}`, { headers: { accept } });
    return images(req, { signature: signature!, options: decodeURIComponent(options!), mediaId });
  }

  const cacheRows = (mediaId: string) =>
    p.db.imageCacheEntry.findMany({ where: { mediaId }, orderBy: { mimeType: 'asc' } });

  it('has the card renders cached at READY, serves them as hits, and a reprocess renders them again', async () => {
    const owner = await createTestUser(p.db);
    const { id } = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'eager.jpg', body: photo });
    expect(await p.waitForStatus(id, ['READY', 'FAILED'], 60_000)).toMatchObject({ status: 'READY' });

    const rows = await cacheRows(id);
    expect(rows.map((r) => r.mimeType)).toEqual(['image/avif', 'image/jpeg', 'image/webp']);
    for (const row of rows) {
      expect(row.storageKey).toMatch(new RegExp(`^img-cache/${id}/[0-9a-f]{64}\\.(avif|jpg|webp)$`));
      expect((await p.storage.read(row.storageKey)).length).toBe(row.bytes);
    }

    for (const [accept, mimeType] of [
      ['image/avif,image/webp,*/*', 'image/avif'],
      ['image/webp,*/*', 'image/webp'],
      ['*/*', 'image/jpeg'],
    ] as const) {
      const res = await getCard(id, accept);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(mimeType);
      const row = rows.find((r) => r.mimeType === mimeType)!;
      expect(Buffer.from(await res.arrayBuffer())).toEqual(await p.storage.read(row.storageKey));
    }
    expect(renders).toBe(0);
    // Served, not rewritten: the same three rows, created by the worker.
    expect(await cacheRows(id)).toEqual(
      rows.map((r) => expect.objectContaining({ key: r.key, createdAt: r.createdAt })),
    );

    // A reprocess (what a bulk reprocess runs per image) is a new run: new keys, rendered again.
    await waitFor(async () => (await p.queues.email.getJobState(mediaJobId(id, 'notify'))) === 'completed', {
      timeoutMs: 30_000,
    });
    await createMediaReprocessing({ db: p.db, queues: p.queues, enqueuer: p.enqueuer })(id);
    await waitFor(
      async () => {
        const media = await p.db.media.findUnique({ where: { id } });
        return media?.status === 'READY' && media.run === 2;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const after = await cacheRows(id);
    const fresh = after.filter((r) => !rows.some((old) => old.key === r.key));
    expect(fresh.map((r) => r.mimeType)).toEqual(['image/avif', 'image/jpeg', 'image/webp']);
    const res = await getCard(id, 'image/avif');
    expect(res.status).toBe(200);
    expect(renders).toBe(0);
  }, 180_000);
});

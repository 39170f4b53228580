import { truncate } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The test inspects the outputs' pixels and metadata; the handler itself renders through @fjord/media.
// eslint-disable-next-line @nx/enforce-module-boundaries
import sharp from 'sharp';
import { createApiKey, signImagePath } from '@fjord/auth';
import {
  createPhotoLikeJpeg,
  createJpegFixture,
  createJxlFixture,
  listExifIfd0Tags,
} from '@fjord/media/testing';
import { starvedChildError, transformImage } from '@fjord/media';
import { createReadyMedia, createTestUser } from '@fjord/testing';
import { createWebHarness, withContract } from '../test/web-test-harness';
import { createWebHttp } from '../web-http';
import { createImageTransformHandler, type ImageParams } from './image-transform.handler';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let ownerId: string;
let renders = 0;
const countingRender: typeof transformImage = (opts) => {
  renders++;
  return transformImage(opts);
};
const FAR = 4_000_000_000;

async function storeImage(
  data: Buffer,
  overrides: { kind?: 'IMAGE' | 'VIDEO'; status?: 'READY' | 'PROCESSING' } = {},
) {
  const media = await createReadyMedia(h.db, { ownerId, mimeType: 'image/jpeg', ...overrides });
  const storageKey = `media/${media.id}/original.jpg`;
  await h.services.storage.put(storageKey, data);
  await h.db.media.update({ where: { id: media.id }, data: { storageKey } });
  return media.id;
}

function handlerWith(overrides: Partial<Parameters<typeof createImageTransformHandler>[0]['config']> = {}) {
  const config = { ...h.config, ...overrides };
  const handler = createImageTransformHandler({ ...h.services, config, render: countingRender });
  return Object.assign(withContract(handler), { cache: handler.cache, settled: handler.settled });
}

function paramsOf(url: string): ImageParams {
  const match = /^\/img\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(new URL(url, 'http://localhost:3000').pathname);
  if (!match) throw new Error(`${url} is not /img/[signature]/[options]/[mediaId]`);
  return { signature: match[1]!, options: decodeURIComponent(match[2]!), mediaId: match[3]! };
}

/** The harness's storage, its writes held until `release()`: a cache write-behind that has not finished. */
function storageWithHeldWrites() {
  let release!: () => void;
  const writeHeld = new Promise<void>((resolve) => (release = resolve));
  const storage = {
    ...h.services.storage,
    put: async (...args: Parameters<typeof h.services.storage.put>) => {
      await writeHeld;
      return h.services.storage.put(...args);
    },
  };
  return { storage, release };
}

let images: ReturnType<typeof handlerWith>;
function get(path: string, headers: Record<string, string> = {}, handler = images, method = 'GET') {
  return handler(new Request(`http://localhost:3000${path}`, { headers, method }), paramsOf(path));
}
const signed = (options: string, mediaId: string) =>
  signImagePath({ secret: h.services.urlSigningSecret, options: `${options},exp:${FAR}`, mediaId });
const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());

let photoId: string;
let halvesId: string;

beforeAll(async () => {
  h = await createWebHarness();
  ownerId = (await createTestUser(h.db)).id;
  images = handlerWith();
  // Orientation 6 (stored landscape, shown portrait) and GPS tags, as a phone writes them.
  const photo = await createJpegFixture({ width: 1200, height: 800, orientation: 6, hasGps: true });
  photoId = await storeImage(photo);
  // Left half black, right half white: where a crop lands is visible in its mean.
  const halves = await sharp({ create: { width: 1000, height: 500, channels: 3, background: '#000' } })
    .composite([
      { input: { create: { width: 500, height: 500, channels: 3, background: '#fff' } }, left: 500, top: 0 },
    ])
    .jpeg()
    .toBuffer();
  halvesId = await storeImage(halves);
});
afterAll(async () => {
  await h?.close();
});

describe('GET /img/<signature>/<options>/<mediaId>', () => {
  it('resizes, applies the EXIF orientation, strips metadata and serves it like a file', async () => {
    const res = await get(signed('w:300,f:webp', photoId));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+, immutable$/);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    expect(res.headers.get('vary')).toBeNull();
    const meta = await sharp(await bytesOf(res)).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 300, height: 450 });
    expect(meta.exif).toBeUndefined();
    expect(listExifIfd0Tags(meta.exif)).toEqual([]);
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
  });

  it('transforms a JPEG XL original (decoded by djxl first), its container Exif never in the output', async () => {
    const jxlId = await storeImage(await createJxlFixture({ width: 1200, height: 600, layout: 'jxlp' }));
    const res = await get(signed('w:400,f:webp', jxlId));
    expect(res.status).toBe(200);
    const body = await bytesOf(res);
    expect(await sharp(body).metadata()).toMatchObject({ format: 'webp', width: 400, height: 200 });
    expect(body.includes(Buffer.from('GPS 59N'))).toBe(false);
    // The decode was kept, and the next miss renders from it instead of running djxl again. Swapped for a
    // red PNG of the same size here, so the next render shows where it came from.
    const { storageKey: key } = await h.db.imageCacheEntry.findFirstOrThrow({
      where: { key: { startsWith: `decoded-${jxlId}-r` } },
    });
    expect(await sharp(await h.services.storage.read(key)).metadata()).toMatchObject({
      format: 'png',
      width: 1200,
      height: 600,
    });
    const red = { width: 1200, height: 600, channels: 3 as const, background: '#f00' };
    const redPng = await sharp({ create: red }).png().toBuffer();
    await h.services.storage.put(key, redPng);
    await h.db.imageCacheEntry.updateMany({
      where: { key: { startsWith: `decoded-${jxlId}-r` } },
      data: { bytes: redPng.length },
    });
    const next = await bytesOf(await get(signed('w:300,f:png', jxlId)));
    const { data } = await sharp(next).raw().toBuffer({ resolveWithObject: true });
    expect([data[0], data[1], data[2]]).toEqual([255, 0, 0]);
  });

  it('fits cover, contain and inside to the box, and dpr multiplies it', async () => {
    const size = async (options: string) => {
      const res = await get(signed(options, halvesId));
      expect(res.status).toBe(200);
      const { width, height, hasAlpha } = await sharp(await bytesOf(res)).metadata();
      return { width, height, hasAlpha };
    };
    expect(await size('w:200,h:200,fit:cover,f:jpeg')).toMatchObject({ width: 200, height: 200 });
    expect(await size('w:200,h:200,fit:contain,f:png')).toMatchObject({
      width: 200,
      height: 200,
      hasAlpha: true,
    });
    expect(await size('w:200,h:200,fit:inside,f:jpeg')).toMatchObject({ width: 200, height: 100 });
    expect(await size('w:200,h:200,fit:cover,dpr:2,f:jpeg')).toMatchObject({ width: 400, height: 400 });
    const byHeight = await size('h:50,f:webp');
    expect(byHeight.height).toBe(50);
    expect(Math.abs(byHeight.width! - 100)).toBeLessThanOrEqual(1); // libvips rounds the other side
    // Never enlarged past the source.
    expect(await size('w:2000,f:jpeg')).toMatchObject({ width: 1000, height: 500 });
  });

  it('crops where the gravity or focal point says', async () => {
    const mean = async (g: string) => {
      const res = await get(signed(`w:100,h:100,fit:cover,g:${g},f:png`, halvesId));
      expect(res.status).toBe(200);
      return (await sharp(await bytesOf(res)).stats()).channels[0]!.mean;
    };
    expect(await mean('west')).toBeLessThan(10);
    expect(await mean('east')).toBeGreaterThan(245);
    expect(await mean('fp:0.1:0.5')).toBeLessThan(10);
    expect(await mean('fp:0.9:0.5')).toBeGreaterThan(245);
    expect(await mean('centre')).toBeGreaterThan(100);
    expect(await mean('centre')).toBeLessThan(155);
  });

  it('smart gravity keeps the salient region', async () => {
    // A saturated red square on the right of a flat grey field.
    const field = await sharp({ create: { width: 900, height: 300, channels: 3, background: '#808080' } })
      .composite([
        {
          input: { create: { width: 150, height: 150, channels: 3, background: '#f00' } },
          left: 700,
          top: 75,
        },
      ])
      .jpeg()
      .toBuffer();
    const id = await storeImage(field);
    const res = await get(signed('w:300,h:300,fit:cover,g:smart,f:png', id));
    const [r, g] = (await sharp(await bytesOf(res)).stats()).channels;
    expect(r!.max - g!.max).toBeGreaterThan(100); // the red square is in the crop
  });

  it('quality, blur and sharpen change the output as asked', async () => {
    const id = await storeImage(await createPhotoLikeJpeg({ width: 1200, height: 800 }));
    const fetchBytes = async (options: string) => bytesOf(await get(signed(options, id)));
    expect((await fetchBytes('w:600,q:20,f:jpeg')).length).toBeLessThan(
      (await fetchBytes('w:600,q:90,f:jpeg')).length,
    );
    const sharpness = async (options: string) => (await sharp(await fetchBytes(options)).stats()).sharpness;
    const plain = await sharpness('w:600,f:png');
    expect(await sharpness('w:600,blur:5,f:png')).toBeLessThan(plain * 0.8);
    expect(await sharpness('w:600,sharpen:2,f:png')).toBeGreaterThan(plain);
  });

  it('negotiates f:auto from Accept (AVIF, then WebP, then JPEG) and says Vary: Accept', async () => {
    const url = signed('w:120', photoId);
    const formatFor = async (accept: string) => {
      const res = await get(url, { accept });
      expect(res.status).toBe(200);
      expect(res.headers.get('vary')).toBe('Accept');
      const { format } = await sharp(await bytesOf(res)).metadata();
      return [res.headers.get('content-type'), format];
    };
    expect(await formatFor('image/avif,image/webp,*/*')).toEqual(['image/avif', 'heif']);
    expect(await formatFor('image/webp,*/*;q=0.8')).toEqual(['image/webp', 'webp']);
    expect(await formatFor('image/avif;q=0,image/webp')).toEqual(['image/webp', 'webp']);
    expect(await formatFor('*/*')).toEqual(['image/jpeg', 'jpeg']);
    // An explicit format ignores Accept.
    const png = await get(signed('w:120,f:png', photoId), { accept: 'image/avif' });
    expect(png.headers.get('content-type')).toBe('image/png');
  });

  it('uses presets, and options next to a preset override it', async () => {
    const thumb = await sharp(await bytesOf(await get(signed('preset:thumb,f:webp', halvesId)))).metadata();
    expect(thumb).toMatchObject({ width: 160, height: 160 });
    const wider = await sharp(
      await bytesOf(await get(signed('preset:thumb,w:200,f:webp', halvesId))),
    ).metadata();
    expect(wider).toMatchObject({ width: 200, height: 160 });
  });

  it('refuses an unsigned, tampered or expired URL with 403', async () => {
    const good = signed('w:100,f:webp', photoId);
    const { signature, options } = paramsOf(good);
    const tampered = [
      `/img/${signature}/${options.replace('w:100', 'w:101')}/${photoId}`,
      `/img/${signature}/${options}/${halvesId}`,
      `/img/${signature.slice(0, -2)}AA/${options}/${photoId}`,
      `/img/unsigned/${options}/${photoId}`,
    ];
    for (const path of tampered) {
      const res = await get(path);
      expect(res.status).toBe(403);
      expect((await res.json()).error.message).toMatch(/signature does not match/);
    }
    const expired = signImagePath({
      secret: h.services.urlSigningSecret,
      options: 'w:100,exp:1000',
      mediaId: photoId,
    });
    const res = await get(expired);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/expired/);
    const noExpiry = signImagePath({
      secret: h.services.urlSigningSecret,
      options: 'w:100',
      mediaId: photoId,
    });
    expect((await get(noExpiry)).status).toBe(403);
  });

  it('refuses hostile or contradictory options with 400 and says why', async () => {
    const cases: Array<[string, RegExp]> = [
      ['w:99999', /w:99999 is out of range/],
      ['w:100,dpr:4', /dpr:4 is out of range/],
      ['w:4096,h:4096,dpr:2', /larger than 4096 pixels on a side/],
      ['w:4000,h:4096,dpr:1.01', /larger than 4096 pixels on a side/],
      ['w:100,h:100,fit:stretch', /fit:stretch is not a fit/],
      ['w:100,fit:cover', /fit:cover needs both w: and h:/],
      ['w:100,g:smart', /only applies with fit:cover/],
      ['w:100,w:200', /w is given twice/],
      ['w:100,evil:1', /is not an image option/],
      ['w:100,f:svg', /f:svg is not a format/],
      ['w:100,blur:500', /blur:500 is out of range/],
      ['preset:nope', /There is no preset "nope"/],
      ['f:webp', /Give a width/],
      ['w:100,h:100,fit:cover,g:fp:2:0', /not a gravity/],
    ];
    for (const [options, message] of cases) {
      const res = await get(signed(options, photoId));
      expect(res.status, options).toBe(400);
      expect((await res.json()).error.message, options).toMatch(message);
    }
    // A bound only the source can decide: a width alone on a very tall strip.
    const strip = await storeImage(
      await sharp({ create: { width: 100, height: 8000, channels: 3, background: '#888' } })
        .jpeg()
        .toBuffer(),
    );
    const res = await get(signed('w:100', strip), {}, handlerWith({ IMAGE_TRANSFORM_MAX_PIXELS: 500_000 }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/more than the 500000-pixel limit/);
  });

  it('answers 404 for media that is not a ready image, and once it is deleted', async () => {
    const processing = await storeImage(await createJpegFixture({ width: 64, height: 64 }), {
      status: 'PROCESSING',
    });
    expect((await get(signed('w:10', processing))).status).toBe(404);
    const video = await storeImage(await createJpegFixture({ width: 64, height: 64 }), { kind: 'VIDEO' });
    expect((await get(signed('w:10', video))).status).toBe(404);

    const id = await storeImage(await createJpegFixture({ width: 64, height: 64 }));
    const url = signed('w:10,f:webp', id);
    expect((await get(url)).status).toBe(200);
    await images.settled(); // the cache row is written behind the answer
    const entry = await h.db.imageCacheEntry.findFirstOrThrow({ where: { mediaId: id } });
    await h.services.deleteMedia(id);
    expect((await get(url)).status).toBe(404);
    expect(await h.db.imageCacheEntry.count({ where: { mediaId: id } })).toBe(0);
    expect(await h.services.storage.stat(entry.storageKey)).toBeNull();
  });
});

describe('the transform cache', () => {
  it('serves a hit without rendering, with ETag revalidation, Range and HEAD', async () => {
    const url = signed('w:250,f:webp,q:70', halvesId);
    const before = renders;
    const first = await get(url);
    const body = await bytesOf(first);
    expect(renders).toBe(before + 1);
    const etag = first.headers.get('etag')!;

    const hit = await get(url);
    expect(await bytesOf(hit)).toEqual(body);
    expect(hit.headers.get('etag')).toBe(etag);
    expect(renders).toBe(before + 1);

    const revalidated = await get(url, { 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');

    const range = await get(url, { range: 'bytes=0-9' });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-9/${body.length}`);
    expect(await bytesOf(range)).toEqual(body.subarray(0, 10));

    const head = await get(url, {}, images, 'HEAD');
    expect(head.headers.get('content-length')).toBe(String(body.length));
    expect(await head.text()).toBe('');
    expect(renders).toBe(before + 1);
  });

  it('answers a miss from the fresh render, Range included, before its cache row is written', async () => {
    const url = signed('w:260,f:webp,q:71', halvesId);
    const ranged = await get(url, { range: 'bytes=5-14' });
    expect(ranged.status).toBe(206);
    const part = await bytesOf(ranged);
    await images.settled();
    const full = await bytesOf(await get(url));
    expect(ranged.headers.get('content-range')).toBe(`bytes 5-14/${full.length}`);
    expect(part).toEqual(full.subarray(5, 15));
  });

  it('answers a repeat from memory while its cache write is still running, without a second render', async () => {
    const { storage, release } = storageWithHeldWrites();
    const slow = createImageTransformHandler({
      ...h.services,
      storage,
      config: h.config,
      render: countingRender,
    });
    const slowWrites = withContract(slow);
    const url = signed('w:261,f:webp,q:72', halvesId);
    const before = renders;
    const first = await bytesOf(await get(url, {}, slowWrites));
    // Before the fix the repeat waited on the render lease until the row existed, i.e. until `release`.
    const repeat = await Promise.race([
      get(url, {}, slowWrites).then(bytesOf),
      new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 3_000)),
    ]);
    release();
    await slow.settled();
    expect(repeat).toEqual(first);
    expect(renders).toBe(before + 1);
  });

  it('waits on shutdown for the cache writes behind answers already sent, for a bounded time', async () => {
    const { storage, release } = storageWithHeldWrites();
    const http = createWebHttp({ ...h.services, storage });
    const entries = () => h.db.imageCacheEntry.count({ where: { mediaId: halvesId } });
    const before = await entries();
    const url = signed('w:262,f:webp,q:73', halvesId);
    expect((await http.images(new Request(`http://localhost:3000${url}`), paramsOf(url))).status).toBe(200);
    // Bounded: a write that never ends does not hold the process.
    const started = Date.now();
    await http.close({ waitMs: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
    // Unbounded enough: closing waits for the write, and the row is there once it returns.
    let closed = false;
    const closing = http.close({ waitMs: 30_000 }).then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    expect(await entries()).toBe(before);
    release();
    await closing;
    expect(await entries()).toBe(before + 1);
  });

  it('treats a cache blob that is not the size its row says (cut short) as a miss', async () => {
    const id = await storeImage(await createJpegFixture({ width: 300, height: 200 }));
    const url = signed('w:120,f:webp', id);
    const before = renders;
    const whole = await bytesOf(await get(url));
    await images.settled();
    const entry = await h.db.imageCacheEntry.findFirstOrThrow({ where: { mediaId: id } });
    await truncate(h.services.storage.localPath!(entry.storageKey), 10);
    expect(await bytesOf(await get(url))).toEqual(whole);
    expect(renders).toBe(before + 2);
    await images.settled();
  });

  it('does not serve a render whose media was deleted while it rendered', async () => {
    const id = await storeImage(await createJpegFixture({ width: 64, height: 64 }));
    const deleting = createImageTransformHandler({
      ...h.services,
      config: h.config,
      render: async (opts) => {
        await h.services.deleteMedia(id);
        return transformImage(opts);
      },
    });
    expect(
      (
        await withContract(deleting)(
          new Request(`http://localhost:3000${signed('w:20,f:webp', id)}`),
          paramsOf(signed('w:20,f:webp', id)),
        )
      ).status,
    ).toBe(404);
    await deleting.settled();
    expect(await h.db.imageCacheEntry.count({ where: { mediaId: id } })).toBe(0);
  });

  it('renders concurrent misses for the same URL once', async () => {
    const url = signed('w:333,f:webp', photoId);
    const before = renders;
    const results = await Promise.all(Array.from({ length: 8 }, () => get(url)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const bodies = await Promise.all(results.map(bytesOf));
    expect(new Set(bodies.map((b) => b.toString('base64'))).size).toBe(1);
    expect(renders).toBe(before + 1);
  });

  it('renders concurrent misses once across two replicas (independent gates, one Redis lease)', async () => {
    // Two handlers = two web replicas: each has its own render gate and single-flight map; only the
    // Redis lease and the cache rows are shared.
    const replicas = [handlerWith(), handlerWith()];
    const url = signed('w:334,f:webp', photoId);
    const before = renders;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => get(url, {}, replicas[i % 2])));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const bodies = await Promise.all(results.map(bytesOf));
    expect(new Set(bodies.map((b) => b.toString('base64'))).size).toBe(1);
    expect(renders).toBe(before + 1);
    // After the store the lease is marked done (no holder), so a late claim looks the row up instead.
    await Promise.all(replicas.map((r) => r.settled()));
    const redis = h.services.queues.connection;
    const leases = await redis.keys(`${h.config.QUEUE_PREFIX}:img-render:*`);
    expect(leases.length).toBeGreaterThan(0);
    expect(new Set(await redis.mget(...leases))).toEqual(new Set(['done']));
  });

  it('renders past a done mark whose row is gone (evicted since), and looks the row up behind one that has it', async () => {
    const redis = h.services.queues.connection;
    const [url, options] = ['w:335,f:webp', 'w:336,f:webp'].map((o) => signed(o, photoId));
    const lockOf = async (path: string) => {
      const before = new Set(await redis.keys(`${h.config.QUEUE_PREFIX}:img-render:*`));
      const replica = handlerWith();
      expect((await get(path, {}, replica)).status).toBe(200);
      await replica.settled();
      return (await redis.keys(`${h.config.QUEUE_PREFIX}:img-render:*`)).find((k) => !before.has(k))!;
    };
    // Rendered once, then its row and blob removed as an eviction does: the mark stays, the next render
    // must still happen (on a replica that never saw it).
    const lock = await lockOf(url!);
    expect(await redis.get(lock)).toBe('done');
    const entry = await h.db.imageCacheEntry.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    await h.db.imageCacheEntry.delete({ where: { key: entry.key } });
    await h.services.storage.delete(entry.storageKey);
    const before = renders;
    const fresh = handlerWith();
    expect((await get(url!, {}, fresh)).status).toBe(200);
    expect(renders).toBe(before + 1);
    await fresh.settled();
    expect(await h.db.imageCacheEntry.count({ where: { key: entry.key } })).toBe(1);
    // A done mark with its row: a claim behind a lookup that missed (simulated by a replica whose lookup is
    // made to miss once) finds the row and renders nothing.
    await lockOf(options!);
    const late = handlerWith();
    const find = late.cache.find;
    let missed = false;
    late.cache.find = async (key: string) => (missed ? find(key) : ((missed = true), null));
    const rendersBefore = renders;
    expect((await get(options!, {}, late)).status).toBe(200);
    expect(renders).toBe(rendersBefore);
  });

  it('evicts the least recently used entries past the size cap', async () => {
    const id = await storeImage(await createPhotoLikeJpeg({ width: 800, height: 600 }));
    const probe = await bytesOf(await get(signed('w:400,f:jpeg,q:80', id)));
    // Room for about two such renders.
    const capped = handlerWith({ IMAGE_CACHE_MAX_BYTES: Math.floor(probe.length * 2.5) });
    await h.db.imageCacheEntry.deleteMany({});
    const urls = ['w:400,f:jpeg,q:80', 'w:400,f:jpeg,q:81', 'w:400,f:jpeg,q:82'].map((o) => signed(o, id));
    for (const url of urls) {
      expect((await get(url, {}, capped)).status).toBe(200);
      await capped.settled();
    }
    const left = await h.db.imageCacheEntry.findMany({ orderBy: { createdAt: 'asc' } });
    expect(left).toHaveLength(2);
    const total = left.reduce((sum, e) => sum + e.bytes, 0);
    expect(total).toBeLessThanOrEqual(probe.length * 2.5);
    // The first one rendered is the one gone, blob and row.
    const before = renders;
    await get(urls[1]!, {}, capped);
    expect(renders).toBe(before);
    await get(urls[0]!, {}, capped);
    expect(renders).toBe(before + 1);
  });

  it('keeps the cap across replicas: a recount sees the rows of every replica, not only its own writes', async () => {
    const id = await storeImage(await createPhotoLikeJpeg({ width: 800, height: 600 }));
    const probe = await bytesOf(await get(signed('w:400,f:jpeg,q:70', id)));
    const cap = Math.floor(probe.length * 2.5);
    const [a, b] = [handlerWith({ IMAGE_CACHE_MAX_BYTES: cap }), handlerWith({ IMAGE_CACHE_MAX_BYTES: cap })];
    await h.db.imageCacheEntry.deleteMany({});
    for (const [replica, q] of [
      [a, 70],
      [a, 71],
      [b, 72],
      [a, 73],
    ] as const) {
      expect((await get(signed(`w:400,f:jpeg,q:${q}`, id), {}, replica)).status).toBe(200);
      await replica.settled();
      const total = (await h.db.imageCacheEntry.aggregate({ _sum: { bytes: true } }))._sum.bytes ?? 0;
      expect(total).toBeLessThanOrEqual(cap);
    }
    expect(await h.db.imageCacheEntry.count()).toBe(2);
  });

  it('answers 503 with Retry-After when every render slot and queue place is taken', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const slow = createImageTransformHandler({
      ...h.services,
      config: { ...h.config, imageTransformConcurrency: 1, IMAGE_TRANSFORM_QUEUE: 0 },
      render: async (opts) => {
        await blocked;
        return transformImage(opts);
      },
    });
    const first = get(signed('w:111,f:webp', photoId), {}, slow);
    await expect.poll(() => slow.gate.stats().running).toBe(1);
    const refused = await get(signed('w:112,f:webp', photoId), {}, slow);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    release();
    expect((await first).status).toBe(200);
  });
  it('answers 503 with Retry-After when a decoder was starved of CPU, and renders on the next request', async () => {
    // What a decoder killed at its timeout with almost no CPU time answers (decoder-child.int.test.ts).
    let starved = true;
    const busy = createImageTransformHandler({
      ...h.services,
      config: h.config,
      render: async (opts) => {
        if (starved) {
          starved = false;
          throw starvedChildError({ cpuMs: 10, timeoutMs: 30_000, sentence: 'This worker was too busy' });
        }
        return transformImage(opts);
      },
    });
    const url = signed('w:113,f:webp', photoId);
    const refused = await withContract(busy)(new Request(`http://localhost:3000${url}`), paramsOf(url));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect((await refused.json()).error.message).toMatch(/retry in a moment/);
    expect((await get(url, {}, busy)).status).toBe(200);
    await busy.settled();
  });
});

describe('GET /api/v1/media/:id/image-url', () => {
  it('mints a URL for the owner that renders what was asked, and refuses strangers and bad options', async () => {
    const ownerKey = {
      authorization: `Bearer ${(await createApiKey({ db: h.db, userId: ownerId, name: 'o' })).key}`,
    };
    const ask = (id: string, query: string, headers = ownerKey) =>
      h.rest.imageUrl(
        new Request(`http://localhost:3000/api/v1/media/${id}/image-url?${query}`, { headers }),
        id,
      );

    const before = Date.now();
    const res = await ask(halvesId, 'width=120&height=80&fit=cover&gravity=smart&format=webp');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; expiresAt: string };
    expect(body.url).toMatch(
      new RegExp(
        `^${h.config.FJORD_PUBLIC_URL}/img/[\\w-]{43}/w:120,h:80,fit:cover,g:smart,f:webp,exp:\\d+/${halvesId}$`,
      ),
    );
    const ttl = (Date.parse(body.expiresAt) - before) / 1000;
    expect(ttl).toBeGreaterThan(h.config.SIGNED_URL_TTL_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(h.config.SIGNED_URL_TTL_SECONDS + 1);
    const image = await get(new URL(body.url).pathname);
    expect(await sharp(await bytesOf(image)).metadata()).toMatchObject({
      format: 'webp',
      width: 120,
      height: 80,
    });

    const preset = await (await ask(halvesId, 'preset=card')).json();
    expect(preset.url).toContain('/preset:card,exp:');

    const stranger = await h.createUserWithKey();
    expect((await ask(halvesId, 'width=100', stranger.auth)).status).toBe(404);

    const hostile = await ask(halvesId, 'width=4000&height=4000&dpr=3');
    expect(hostile.status).toBe(400);
    expect((await hostile.json()).error.message).toMatch(/larger than 4096 pixels on a side/);
    expect((await ask(halvesId, 'width=100&evil=1')).status).toBe(400);
    expect((await ask(halvesId, 'preset=nope')).status).toBe(400);

    const processing = await storeImage(await createJpegFixture({ width: 64, height: 64 }), {
      status: 'PROCESSING',
    });
    const notReady = await ask(processing, 'width=10');
    expect(notReady.status).toBe(409);
    expect((await notReady.json()).error.message).toMatch(/processing; ask again once it is READY/);
  });
});

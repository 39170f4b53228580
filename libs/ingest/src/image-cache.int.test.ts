import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@fjord/errors';
import { closeRedis, createRedis, waitUntilReady } from '@fjord/queue';
import { createLocalBlobStore } from '@fjord/storage';
import {
  createReadyMedia,
  createTestDatabase,
  createTestUser,
  uniquePrefix,
  type TestDatabase,
} from '@fjord/testing';
import { createImageCache } from './image-cache.service';

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'fjord-image-cache-'));
});
afterAll(async () => {
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

const logger = { warn: () => undefined, error: () => undefined };
const MiB = 1024 * 1024;

async function newMedia(mimeType = 'image/jxl') {
  const { id: ownerId } = await createTestUser(database.db);
  return (await createReadyMedia(database.db, { ownerId, mimeType })).id;
}

/** A decoder that counts its runs and answers a PNG-stand-in naming its media, after `ms`. */
function decoderFor(mediaId: string, ms = 50) {
  let runs = 0;
  const decode = async () => {
    runs += 1;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return Buffer.from(`png of ${mediaId}`);
  };
  return Object.defineProperty(decode, 'count', { get: () => runs }) as typeof decode & { count: number };
}

describe('the kept decode of an HEIC / JPEG XL (decodedSource)', () => {
  it('decodes once for callers that ask together, keeps it as a cache entry of its run, and reads it after', async () => {
    const storage = createLocalBlobStore({ rootDir: dir });
    const cache = createImageCache({ db: database.db, storage, maxBytes: MiB, logger });
    const id = await newMedia();
    const decode = decoderFor(id);
    // Three variant jobs of one upload, in one worker process.
    const together = await Promise.all([1, 2, 3].map(() => cache.decodedSource(id, 1).decodeOnce(decode)));
    expect(together.map(String)).toEqual(Array(3).fill(`png of ${id}`));
    expect(decode.count).toBe(1);
    const entry = await database.db.imageCacheEntry.findUniqueOrThrow({ where: { key: `decoded-${id}-r1` } });
    expect(entry).toMatchObject({ mediaId: id, mimeType: 'image/png', bytes: together[0]!.length });
    // Another process (a second cache over the same rows and files): read, not decoded.
    const other = createImageCache({ db: database.db, storage, maxBytes: MiB, logger });
    expect(String(await other.decodedSource(id, 1).decodeOnce(decode))).toBe(`png of ${id}`);
    expect(decode.count).toBe(1);
    // A reprocess (run 2) decodes afresh: a new decoder may decode differently.
    await other.decodedSource(id, 2).decodeOnce(decode);
    expect(decode.count).toBe(2);
    // Gone (evicted, or cut short by a crash): decoded again, never a failed render.
    await storage.delete(entry.storageKey);
    expect(String(await other.decodedSource(id, 1).decodeOnce(decode))).toBe(`png of ${id}`);
    expect(decode.count).toBe(3);
  });

  it('shares one decode between replicas through a Redis lease, and decodes afresh when the holder fails', async () => {
    const storage = createLocalBlobStore({ rootDir: dir });
    const redis = createRedis({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, 'producer');
    try {
      // A producer connection fails fast before it is ready: each replica would decode without the lease.
      await waitUntilReady(redis);
      const leases = { redis, prefix: uniquePrefix('decode-lease') };
      const [one, two] = [1, 2].map(() =>
        createImageCache({ db: database.db, storage, maxBytes: MiB, logger, leases }),
      );
      const id = await newMedia('image/heic');
      const decode = decoderFor(id, 300);
      // Two worker replicas, each with a variant job of the same upload: one heif-convert, not two.
      const both = await Promise.all([one!, two!].map((c) => c.decodedSource(id, 1).decodeOnce(decode)));
      expect(both.map(String)).toEqual([`png of ${id}`, `png of ${id}`]);
      expect(decode.count).toBe(1);
      // The holder's decode fails: its lease is freed, and the waiting replica decodes itself.
      const other = await newMedia('image/heic');
      let attempts = 0;
      const failsFirst = async () => {
        attempts += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (attempts === 1) throw new Error('heif-convert crashed');
        return Buffer.from(`png of ${other}`);
      };
      const outcomes = await Promise.allSettled(
        [one!, two!].map((c) => c.decodedSource(other, 1).decodeOnce(failsFirst)),
      );
      expect(outcomes.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const ok = outcomes.find((r): r is PromiseFulfilledResult<Buffer> => r.status === 'fulfilled');
      expect(String(ok?.value)).toBe(`png of ${other}`);
      expect(attempts).toBe(2);
    } finally {
      await closeRedis(redis);
    }
  });

  it('never shares one media’s decode with another, even when both run at once', async () => {
    const cache = createImageCache({
      db: database.db,
      storage: createLocalBlobStore({ rootDir: dir }),
      maxBytes: MiB,
      logger,
    });
    const [a, b] = [await newMedia(), await newMedia()];
    const [decodeA, decodeB] = [decoderFor(a), decoderFor(b)];
    const [pa, pb] = await Promise.all([
      cache.decodedSource(a, 1).decodeOnce(decodeA),
      cache.decodedSource(b, 1).decodeOnce(decodeB),
    ]);
    expect([String(pa), String(pb)]).toEqual([`png of ${a}`, `png of ${b}`]);
    expect([decodeA.count, decodeB.count]).toEqual([1, 1]);
    expect(String(await cache.decodedSource(b, 1).decodeOnce(decodeA))).toBe(`png of ${b}`); // read, b's own
  });

  it('decodes when the kept file cannot be read, and keeps nothing for a bulk job or past an eighth of the cap', async () => {
    const base = createLocalBlobStore({ rootDir: dir });
    const id = await newMedia('image/heic');
    const decode = decoderFor(id, 0);
    const writer = createImageCache({ db: database.db, storage: base, maxBytes: MiB, logger });
    await writer.decodedSource(id, 1).decodeOnce(decode);
    // The storage fails reads (a disk error): the render decodes instead of failing.
    const failingReads = {
      ...base,
      read: () => Promise.reject(new AppError('unavailable', 'disk read error')),
    };
    const reader = createImageCache({ db: database.db, storage: failingReads, maxBytes: MiB, logger });
    expect(String(await reader.decodedSource(id, 1).decodeOnce(decode))).toBe(`png of ${id}`);
    expect(decode.count).toBe(2);

    const keyed = (run: number) => ({ where: { key: `decoded-${id}-r${run}` } });
    await writer.decodedSource(id, 7, { keep: false }).decodeOnce(decode);
    expect(await database.db.imageCacheEntry.count(keyed(7))).toBe(0);
    const tiny = createImageCache({ db: database.db, storage: base, maxBytes: 8 * 10, logger }); // 10-byte room
    await tiny.decodedSource(id, 8).decodeOnce(decode);
    expect(await database.db.imageCacheEntry.count(keyed(8))).toBe(0);
  });

  it('shares a failed decode with the callers that waited for it, and tries afresh next time', async () => {
    const cache = createImageCache({
      db: database.db,
      storage: createLocalBlobStore({ rootDir: dir }),
      maxBytes: MiB,
      logger,
    });
    const id = await newMedia('image/heic');
    const failing = () => Promise.reject(new Error('The HEIC image could not be decoded'));
    const results = await Promise.allSettled(
      [1, 2].map(() => cache.decodedSource(id, 1).decodeOnce(failing)),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String(await cache.decodedSource(id, 1).decodeOnce(async () => Buffer.from('ok')))).toBe('ok');
  });
});

describe('find', () => {
  it('answers a repeat from what this process stored or found, and sees another replica’s eviction at once', async () => {
    const storage = createLocalBlobStore({ rootDir: dir });
    let rowReads = 0;
    // The same client, its entry lookups counted.
    const db = new Proxy(database.db, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop !== 'imageCacheEntry') return value;
        const entries = value as typeof database.db.imageCacheEntry;
        return new Proxy(entries, {
          get(t, p, r) {
            if (p === 'findUnique') rowReads += 1;
            return Reflect.get(t, p, r) as unknown;
          },
        });
      },
    });
    const storeWebp = (
      cache: ReturnType<typeof createImageCache>,
      key: string,
      mediaId: string,
      data: Buffer,
    ) => cache.store({ key, mediaId, ext: 'webp', mimeType: 'image/webp', data });
    const here = createImageCache({ db, storage, maxBytes: MiB, logger });
    const elsewhere = createImageCache({ db: database.db, storage, maxBytes: 1, logger });
    const id = await newMedia('image/jpeg');
    const stored = await storeWebp(here, `k-${id}`, id, Buffer.alloc(100, 1));
    expect(await here.find(`k-${id}`)).toEqual(stored);
    expect(await here.find(`k-${id}`)).toEqual(stored);
    expect(rowReads).toBe(0);
    // Another process's cache (over the cap) evicts it, row and blob: a miss here, without a stale answer.
    await storeWebp(elsewhere, `k2-${id}`, id, Buffer.alloc(10, 2));
    await elsewhere.settled();
    expect(await database.db.imageCacheEntry.count({ where: { key: `k-${id}` } })).toBe(0);
    expect(await here.find(`k-${id}`)).toBeNull();
    expect(rowReads).toBe(1);
    // Found through its row by a process that did not store it, then known there too.
    const other = createImageCache({ db, storage, maxBytes: MiB, logger });
    const again = await storeWebp(here, `k3-${id}`, id, Buffer.alloc(50, 3));
    expect(await other.find(`k3-${id}`)).toEqual(again);
    expect(await other.find(`k3-${id}`)).toEqual(again);
    expect(rowReads).toBe(2);
    // Its blob rewritten with other bytes (a re-render of another size): the row decides again.
    await storage.put(again!.storageKey, Buffer.alloc(60, 4));
    await database.db.imageCacheEntry.update({ where: { key: `k3-${id}` }, data: { bytes: 60 } });
    expect(await other.find(`k3-${id}`)).toMatchObject({ bytes: 60 });
    expect(rowReads).toBe(3);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore } from '@fjord/storage';
import { createReadyMedia, createTestDatabase, createTestUser, type TestDatabase } from '@fjord/testing';
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

describe('the kept decode of an HEIC / JPEG XL (decodedSource)', () => {
  it('decodes once for callers that ask together, keeps it as a cache entry, and reads it after', async () => {
    const storage = createLocalBlobStore({ rootDir: dir });
    const cache = createImageCache({ db: database.db, storage, maxBytes: 1024 * 1024, logger });
    const { id: ownerId } = await createTestUser(database.db);
    const media = await createReadyMedia(database.db, { ownerId, mimeType: 'image/jxl' });
    let decodes = 0;
    const decode = async () => {
      decodes += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return Buffer.from(`png of ${media.id}`);
    };
    // Three variant jobs of one upload, in one worker process.
    const together = await Promise.all([1, 2, 3].map(() => cache.decodedSource(media.id).decodeOnce(decode)));
    expect(together.map(String)).toEqual(Array(3).fill(`png of ${media.id}`));
    expect(decodes).toBe(1);
    const entry = await database.db.imageCacheEntry.findUniqueOrThrow({
      where: { key: `decoded-${media.id}` },
    });
    expect(entry).toMatchObject({ mediaId: media.id, mimeType: 'image/png', bytes: together[0]!.length });
    // Another process (a second cache over the same rows and files): read, not decoded.
    const other = createImageCache({ db: database.db, storage, maxBytes: 1024 * 1024, logger });
    expect(String(await other.decodedSource(media.id).decodeOnce(decode))).toBe(`png of ${media.id}`);
    expect(decodes).toBe(1);
    // Gone (evicted, or cut short by a crash): decoded again, never a failed render.
    await storage.delete(entry.storageKey);
    expect(String(await other.decodedSource(media.id).decodeOnce(decode))).toBe(`png of ${media.id}`);
    expect(decodes).toBe(2);
  });

  it('shares a failed decode with the callers that waited for it, and tries afresh next time', async () => {
    const storage = createLocalBlobStore({ rootDir: dir });
    const cache = createImageCache({ db: database.db, storage, maxBytes: 1024 * 1024, logger });
    const { id: ownerId } = await createTestUser(database.db);
    const media = await createReadyMedia(database.db, { ownerId, mimeType: 'image/heic' });
    const failing = () => Promise.reject(new Error('The HEIC image could not be decoded'));
    const results = await Promise.allSettled(
      [1, 2].map(() => cache.decodedSource(media.id).decodeOnce(failing)),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String(await cache.decodedSource(media.id).decodeOnce(async () => Buffer.from('ok')))).toBe('ok');
  });
});

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.types';

/** One driver on one backend, fresh for each test. */
export type BlobStoreUnderTest = {
  store: BlobStore;
  /** Every object/file the backend holds for this store (temp files included), sorted. */
  listAll(): Promise<string[]>;
  /**
   * Fails when a multipart upload (or a temp file) was left neither completed nor aborted. Each backend
   * proves it its own way (see the callers: s3rver cannot list pending uploads).
   */
  expectNoPendingUploads(): Promise<void>;
  /** The store's multipart part size; the big-stream tests write more than two parts. */
  partSizeBytes: number;
  /** The store's deletePrefix page size; the pagination test writes more than two pages. */
  pageSize: number;
  teardown(): Promise<void>;
};

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Deterministic bytes, different in every 64 KiB chunk, so a misplaced part changes the hash. */
function patterned(totalBytes: number): Buffer {
  const out = Buffer.alloc(totalBytes);
  for (let i = 0; i < totalBytes; i += 4) out.writeUInt32LE((i * 2654435761) >>> 0, i);
  return out;
}

function chunked(data: Buffer, chunkBytes = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += chunkBytes) yield data.subarray(i, i + chunkBytes);
    })(),
  );
}

/**
 * The behaviour every BlobStore driver promises (blob-store.types.ts). Run against the local driver
 * and against a real S3 server; a driver-specific file adds what only that driver has.
 */
export function describeBlobStoreContract(name: string, setup: () => Promise<BlobStoreUnderTest>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let t: BlobStoreUnderTest;
    let store: BlobStore;
    beforeEach(async () => {
      t = await setup();
      store = t.store;
    });
    afterEach(async () => {
      await t?.teardown();
    });

    it('round-trips a buffer with its sha256, size and mtime', async () => {
      const data = Buffer.from('hello fjord');
      const before = Date.now();
      expect(await store.put('media/a/original.txt', data)).toEqual({
        bytes: data.length,
        sha256: sha256(data),
      });
      expect(await store.read('media/a/original.txt')).toEqual(data);
      expect(await text(store.createReadStream('media/a/original.txt'))).toBe('hello fjord');
      const stat = await store.stat('media/a/original.txt');
      expect(stat?.size).toBe(data.length);
      // Seconds resolution on S3; a generous window, never a clock-speed assumption.
      expect(stat?.mtimeMs).toBeGreaterThan(before - 60_000);
      expect(await t.listAll()).toEqual(['media/a/original.txt']);

      expect(await store.put('media/e/empty.bin', Buffer.alloc(0))).toEqual({
        bytes: 0,
        sha256: sha256(Buffer.alloc(0)),
      });
      expect((await store.stat('media/e/empty.bin'))?.size).toBe(0);
      expect(await store.read('media/e/empty.bin')).toEqual(Buffer.alloc(0));
    });

    it('streams a body of more than two parts (the multipart path) and an async iterable', async () => {
      const data = patterned(t.partSizeBytes * 2 + 300 * 1024 + 4);
      const source = chunked(data);
      expect(await store.put('media/big/original.bin', source)).toEqual({
        bytes: data.length,
        sha256: sha256(data),
      });
      expect((await store.stat('media/big/original.bin'))?.size).toBe(data.length);
      expect(sha256(await store.read('media/big/original.bin'))).toBe(sha256(data));
      expect(sha256(await buffer(store.createReadStream('media/big/original.bin')))).toBe(sha256(data));
      // A range across the first part boundary.
      const boundary = t.partSizeBytes;
      const across = await buffer(
        store.createReadStream('media/big/original.bin', { start: boundary - 10, end: boundary + 9 }),
      );
      expect(across).toEqual(data.subarray(boundary - 10, boundary + 10));

      async function* chunks() {
        yield new TextEncoder().encode('a');
        yield new TextEncoder().encode('b');
      }
      expect(await store.put('c.txt', chunks())).toMatchObject({ bytes: 2 });
      expect(await text(store.createReadStream('c.txt'))).toBe('ab');
      await t.expectNoPendingUploads();
    });

    it('replaces an existing blob whole', async () => {
      await store.put('k.txt', Buffer.from('old contents'));
      await store.put('k.txt', Buffer.from('new'));
      expect((await store.read('k.txt')).toString()).toBe('new');
    });

    it('leaves nothing behind when the source fails midway, and keeps the previous version', async () => {
      await store.put('media/x/original.bin', Buffer.from('previous'));
      const partSize = t.partSizeBytes;
      async function* failing() {
        // Past one part, so a multipart upload has started when the client goes away.
        yield patterned(partSize + 1024);
        throw new Error('client went away');
      }
      await expect(store.put('media/x/original.bin', failing())).rejects.toThrow('client went away');
      await expect(store.put('media/y/original.bin', failing())).rejects.toThrow('client went away');
      expect(await store.stat('media/y/original.bin')).toBeNull();
      expect((await store.read('media/x/original.bin')).toString()).toBe('previous');
      expect(await t.listAll()).toEqual(['media/x/original.bin']);
      await t.expectNoPendingUploads();
    });

    it('refuses past maxBytes with too_large: no object, no pending upload, source destroyed', async () => {
      const small = Readable.from(Array.from({ length: 10 }, () => Buffer.alloc(1024, 7)));
      await expect(store.put('big.bin', small, { maxBytes: 4096 })).rejects.toMatchObject({
        code: 'too_large',
        message: expect.stringContaining('larger than the 4 KB limit'),
      });
      expect(small.destroyed).toBe(true);

      // Over the limit only after two whole parts went up: the multipart upload must be aborted.
      const data = patterned(t.partSizeBytes * 3);
      const large = chunked(data);
      await expect(
        store.put('media/huge/original.bin', large, { maxBytes: t.partSizeBytes * 2 + 1 }),
      ).rejects.toMatchObject({ code: 'too_large' });
      expect(large.destroyed).toBe(true);
      expect(await store.stat('media/huge/original.bin')).toBeNull();
      expect(await t.listAll()).toEqual([]);
      await t.expectNoPendingUploads();

      await expect(store.put('exact.bin', Buffer.alloc(4096), { maxBytes: 4096 })).resolves.toMatchObject({
        bytes: 4096,
      });
    });

    it('serves inclusive byte ranges: first byte, middle, last byte', async () => {
      await store.put('r.txt', Buffer.from('0123456789'));
      expect(await text(store.createReadStream('r.txt', { start: 0, end: 0 }))).toBe('0');
      expect(await text(store.createReadStream('r.txt', { start: 2, end: 5 }))).toBe('2345');
      expect(await text(store.createReadStream('r.txt', { start: 9, end: 9 }))).toBe('9');
      expect(await text(store.createReadStream('r.txt', { start: 0, end: 9 }))).toBe('0123456789');
      expect(() => store.createReadStream('r.txt', { start: 5, end: 2 })).toThrow(/Invalid byte range/);
      expect(() => store.createReadStream('r.txt', { start: -1, end: 2 })).toThrow(/Invalid byte range/);
    });

    it('reports missing blobs as null / not_found; deleting one is not an error', async () => {
      expect(await store.stat('missing.txt')).toBeNull();
      await expect(store.read('missing.txt')).rejects.toMatchObject({ code: 'not_found' });
      await expect(text(store.createReadStream('missing.txt'))).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(store.delete('missing.txt')).resolves.toBeUndefined();
      await store.put('once.txt', Buffer.from('x'));
      await store.delete('once.txt');
      await store.delete('once.txt');
      expect(await store.stat('once.txt')).toBeNull();
    });

    it('deletes one key, a folder prefix and a name prefix', async () => {
      for (const key of [
        'media/a/original.jpg',
        'media/a/r/thumb.webp',
        'media/ab/original.jpg',
        'media/b/x',
      ]) {
        await store.put(key, Buffer.from(key));
      }
      await store.delete('media/b/x');
      expect(await store.stat('media/b/x')).toBeNull();

      await store.deletePrefix('media/a/');
      expect(await t.listAll()).toEqual(['media/ab/original.jpg']);

      await store.put('media/a/original.jpg', Buffer.from('again'));
      await store.deletePrefix('media/a');
      expect(await t.listAll()).toEqual([]);
      await expect(store.deletePrefix('nothing/here/')).resolves.toBeUndefined();
    });

    it('deletePrefix removes more keys than one listing page holds, and nothing beside them', async () => {
      const count = t.pageSize * 2 + 3;
      const keys = Array.from({ length: count }, (_, i) => `media/many/r/${String(i).padStart(4, '0')}.bin`);
      for (let i = 0; i < keys.length; i += 10) {
        await Promise.all(keys.slice(i, i + 10).map((key) => store.put(key, Buffer.from(key))));
      }
      await store.put('media/many-neighbour/original.bin', Buffer.from('stays'));
      await store.put('media/other/original.bin', Buffer.from('stays'));
      expect(await t.listAll()).toHaveLength(count + 2);

      await store.deletePrefix('media/many/');
      expect(await t.listAll()).toEqual(['media/many-neighbour/original.bin', 'media/other/original.bin']);
    });

    it('lists a folder prefix in key order with modification times, across listing pages', async () => {
      const keys = Array.from(
        { length: t.pageSize + 2 },
        (_, i) => `media/l/r/${String(i).padStart(3, '0')}.bin`,
      );
      for (const key of [...keys, 'media/l/original.jpg', 'media/l2/original.jpg']) {
        await store.put(key, Buffer.from(key));
      }
      const listed: { key: string; mtimeMs: number; isPartial: boolean }[] = [];
      for await (const entry of store.list('media/l/')) listed.push(entry);
      expect(listed.map((e) => e.key)).toEqual(['media/l/original.jpg', ...keys]);
      for (const e of listed) {
        expect(e.isPartial).toBe(false);
        expect(Math.abs(e.mtimeMs - Date.now())).toBeLessThan(10 * 60_000);
      }
      const none: unknown[] = [];
      for await (const entry of store.list('media/none/')) none.push(entry);
      expect(none).toEqual([]);
      expect(() => store.list('media/l')).toThrow(/folder prefix/);
    });

    it('refuses keys that could escape or address temp files, and writes nothing', async () => {
      for (const key of [
        '../escaped.txt',
        '/etc/passwd',
        'a/../../escaped.txt',
        '.hidden',
        'a//b',
        'a b',
        '',
      ]) {
        await expect(store.put(key, Buffer.from('x'))).rejects.toMatchObject({ code: 'bad_request' });
        await expect(store.read(key)).rejects.toMatchObject({ code: 'bad_request' });
        await expect(store.stat(key)).rejects.toMatchObject({ code: 'bad_request' });
        await expect(store.delete(key)).rejects.toMatchObject({ code: 'bad_request' });
        expect(() => store.createReadStream(key)).toThrow(expect.objectContaining({ code: 'bad_request' }));
      }
      for (const prefix of ['../', '', '/']) {
        await expect(store.deletePrefix(prefix)).rejects.toMatchObject({ code: 'bad_request' });
      }
      expect(await t.listAll()).toEqual([]);
    });
  });
}

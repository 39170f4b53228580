import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.types';
import { createBlobStore } from './blob-store.service';

let rootDir: string;
let store: BlobStore;

beforeEach(async () => {
  rootDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-storage-'));
  store = createBlobStore({ storageDir: rootDir });
});

afterEach(async () => {
  await fs.rm(rootDir, { recursive: true, force: true });
});

/** Every file under the root, temp files included: what a crash would leave behind. */
async function listFiles(dir = rootDir): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(rootDir, path.join(e.parentPath, e.name)));
}

describe('local BlobStore', () => {
  it('round-trips a buffer, a stream and an async iterable', async () => {
    const data = Buffer.from('hello fjord');
    const result = await store.put('media/a/original.txt', data);
    expect(result).toEqual({ bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    expect(await store.read('media/a/original.txt')).toEqual(data);
    expect(await store.stat('media/a/original.txt')).toMatchObject({ size: data.length });

    await store.put('media/b/original.txt', Readable.from([Buffer.from('one '), Buffer.from('two')]));
    expect((await store.read('media/b/original.txt')).toString()).toBe('one two');

    async function* chunks() {
      yield new TextEncoder().encode('a');
      yield new TextEncoder().encode('b');
    }
    expect(await store.put('c.txt', chunks())).toMatchObject({ bytes: 2 });
    expect(await text(store.createReadStream('c.txt'))).toBe('ab');
    expect(store.localPath?.('c.txt')).toBe(path.join(rootDir, 'c.txt'));
    expect(await listFiles()).toEqual(expect.arrayContaining(['media/a/original.txt', 'c.txt']));
    expect(await listFiles()).toHaveLength(3);
  });

  it('replaces an existing blob whole', async () => {
    await store.put('k.txt', Buffer.from('old contents'));
    await store.put('k.txt', Buffer.from('new'));
    expect((await store.read('k.txt')).toString()).toBe('new');
  });

  it('leaves nothing behind when the source fails midway, and keeps the previous version', async () => {
    await store.put('media/x/original.bin', Buffer.from('previous'));
    async function* failing() {
      yield Buffer.alloc(64 * 1024, 1);
      throw new Error('client went away');
    }
    await expect(store.put('media/x/original.bin', failing())).rejects.toThrow('client went away');
    await expect(store.put('media/y/original.bin', failing())).rejects.toThrow('client went away');
    expect(await store.stat('media/y/original.bin')).toBeNull();
    expect((await store.read('media/x/original.bin')).toString()).toBe('previous');
    expect(await listFiles()).toEqual(['media/x/original.bin']);
  });

  it('aborts past maxBytes with too_large and removes the temp file', async () => {
    const source = Readable.from(Array.from({ length: 10 }, () => Buffer.alloc(1024, 7)));
    await expect(store.put('big.bin', source, { maxBytes: 4096 })).rejects.toMatchObject({
      code: 'too_large',
      message: expect.stringContaining('larger than the 4 KB limit'),
    });
    expect(source.destroyed).toBe(true);
    expect(await listFiles()).toEqual([]);
    await expect(store.put('exact.bin', Buffer.alloc(4096), { maxBytes: 4096 })).resolves.toMatchObject({
      bytes: 4096,
    });
  });

  it('rejects keys that would escape the root', async () => {
    const outside = path.join(path.dirname(rootDir), 'escaped.txt');
    for (const key of ['../escaped.txt', `/${outside}`, 'a/../../escaped.txt', '.hidden']) {
      await expect(store.put(key, Buffer.from('x'))).rejects.toMatchObject({ code: 'bad_request' });
      await expect(store.read(key)).rejects.toMatchObject({ code: 'bad_request' });
      expect(() => store.createReadStream(key)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    }
    await expect(store.deletePrefix('../')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(fs.stat(outside)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('serves inclusive byte ranges', async () => {
    await store.put('r.txt', Buffer.from('0123456789'));
    expect(await text(store.createReadStream('r.txt', { start: 2, end: 5 }))).toBe('2345');
    expect(await text(store.createReadStream('r.txt', { start: 9, end: 9 }))).toBe('9');
    expect(() => store.createReadStream('r.txt', { start: 5, end: 2 })).toThrow(/Invalid byte range/);
  });

  it('reports missing blobs as null / not_found', async () => {
    expect(await store.stat('missing.txt')).toBeNull();
    await expect(store.read('missing.txt')).rejects.toMatchObject({ code: 'not_found' });
    await expect(text(store.createReadStream('missing.txt'))).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.delete('missing.txt')).resolves.toBeUndefined();
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
    expect(await listFiles()).toEqual(['media/ab/original.jpg']);

    await store.put('media/a/original.jpg', Buffer.from('again'));
    await store.deletePrefix('media/a');
    expect(await listFiles()).toEqual([]);
    await expect(store.deletePrefix('nothing/here/')).resolves.toBeUndefined();
  });
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStorageFullError } from '@fjord/errors';
import { mountTmpfs } from '@fjord/testing';
import { describeBlobStoreContract } from './blob-store.contract';
import { createBlobStore } from './blob-store.service';
import type { BlobStore } from './blob-store.types';
import { createLocalBlobStore } from './local-blob-store.service';

/** Every file under the root, temp files included: what a crash would leave behind. */
async function listFiles(rootDir: string): Promise<string[]> {
  const entries = await fs.readdir(rootDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(rootDir, path.join(e.parentPath, e.name)))
    .sort();
}

describeBlobStoreContract('local disk', async () => {
  const rootDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-storage-'));
  return {
    store: createLocalBlobStore({ rootDir }),
    listAll: () => listFiles(rootDir),
    // A failed write leaves no temp file; listAll (which shows temp files) already proves it.
    expectNoPendingUploads: async () => {
      expect((await listFiles(rootDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
    // The local driver has no parts; the shared sizes still exercise long streams.
    partSizeBytes: 5 * 1024 * 1024,
    pageSize: 5,
    teardown: () => fs.rm(rootDir, { recursive: true, force: true }),
  };
});

describe('local BlobStore specifics', () => {
  let rootDir: string;
  let store: BlobStore;

  beforeEach(async () => {
    rootDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-storage-'));
    store = createBlobStore({ STORAGE_DRIVER: 'local', storageDir: rootDir });
  });
  afterEach(async () => {
    await fs.rm(rootDir, { recursive: true, force: true });
  });

  it('is the default driver and exposes file paths for sharp/ffmpeg, but no presigned URLs', async () => {
    expect(store.driver).toBe('local');
    await store.put('media/a/original.txt', Buffer.from('x'));
    expect(store.localPath?.('media/a/original.txt')).toBe(path.join(rootDir, 'media/a/original.txt'));
    expect(store.presignGet).toBeUndefined();
  });

  it('lists the temp file of a write that never finished, and removes only such files', async () => {
    await store.put('media/k/original.jpg', Buffer.from('whole'));
    // What a process SIGKILLed mid-put leaves: its temp file beside where the blob would have gone.
    const temp = 'media/k/.original.png.1b2c3d4e-0000-4000-8000-000000000000.tmp';
    await fs.writeFile(path.join(rootDir, temp), 'half');
    const listed = [];
    for await (const e of store.list('media/')) listed.push({ key: e.key, isPartial: e.isPartial });
    expect(listed).toEqual([
      { key: temp, isPartial: true },
      { key: 'media/k/original.jpg', isPartial: false },
    ]);
    await expect(store.removePartial!('media/k/original.jpg')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(store.removePartial!('../.x.tmp')).rejects.toMatchObject({ code: 'bad_request' });
    await store.removePartial!(temp);
    expect(await listFiles(rootDir)).toEqual(['media/k/original.jpg']);
  });

  it('adopts a finished file by rename: same inode, its hash and size, the source gone', async () => {
    const source = path.join(rootDir, 'incoming.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    await fs.writeFile(source, bytes);
    const { ino } = await fs.stat(source);
    const result = await store.adoptFile!('media/t/original.mp4', source, { maxBytes: bytes.length });
    const { createHash } = await import('node:crypto');
    expect(result).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect((await fs.stat(path.join(rootDir, 'media/t/original.mp4'))).ino).toBe(ino);
    await expect(fs.stat(source)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.read('media/t/original.mp4')).toEqual(bytes);
  });

  it('refuses to adopt a file over maxBytes, storing nothing and leaving the file where it was', async () => {
    const source = path.join(rootDir, 'big.bin');
    await fs.writeFile(source, Buffer.alloc(2048));
    await expect(store.adoptFile!('media/u/original.mp4', source, { maxBytes: 2047 })).rejects.toMatchObject({
      code: 'too_large',
    });
    expect(await listFiles(rootDir)).toEqual(['big.bin']);
  });

  it('refuses to adopt a symlink (nothing outside the upload folder reaches storage) or a directory', async () => {
    const secret = path.join(path.dirname(rootDir), `not-an-upload-${process.pid}.txt`);
    await fs.writeFile(secret, 'outside the upload folder');
    const link = path.join(rootDir, 'incoming-link.bin');
    await fs.symlink(secret, link);
    try {
      await expect(store.adoptFile!('media/s/original.mp4', link)).rejects.toMatchObject({ code: 'ELOOP' });
      await fs.mkdir(path.join(rootDir, 'a-dir'));
      await expect(store.adoptFile!('media/d/original.mp4', path.join(rootDir, 'a-dir'))).rejects.toThrow(
        /not a regular file/,
      );
      await expect(fs.stat(path.join(rootDir, 'media/s/original.mp4'))).rejects.toMatchObject({
        code: 'ENOENT',
      });
    } finally {
      await fs.rm(secret, { force: true });
    }
  });

  it('never writes outside its root', async () => {
    const outside = path.join(path.dirname(rootDir), 'escaped.txt');
    await expect(store.put(`/${outside}`, Buffer.from('x'))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(store.put('a/../../escaped.txt', Buffer.from('x'))).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(fs.stat(outside)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

// A real full file system: a 4 MiB tmpfs (root only; skipped with the reason otherwise).
const disk = await mountTmpfs({ sizeBytes: 4 * 1024 * 1024, label: 'storage' });

describe.skipIf(!disk.mount)(`local BlobStore on a full disk ${disk.skipReason ?? ''}`, () => {
  const mount = disk.mount!;
  const root = path.join(mount.dir, 'blobs');
  const store = createLocalBlobStore({ rootDir: root });
  afterAll(() => mount.unmount());

  it('ENOSPC midway is storage_full: the partial temp file is gone, the previous version kept', async () => {
    await store.put('media/x/original.bin', Buffer.from('previous'));
    await mount.fill({ leaveBytes: 256 * 1024 });
    const source = Readable.from(Array.from({ length: 16 }, () => Buffer.alloc(64 * 1024, 1))); // 1 MiB
    const err = await store.put('media/x/original.bin', source).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'storage_full', message: expect.stringContaining('storage is full') });
    expect(isStorageFullError(err)).toBe(true);
    expect((err as Error).cause).toMatchObject({ code: 'ENOSPC' });
    expect(source.destroyed).toBe(true);
    expect(await listFiles(root)).toEqual(['media/x/original.bin']);
    expect((await store.read('media/x/original.bin')).toString()).toBe('previous');

    // Completely full: not even the first page of a tiny file fits.
    await mount.fill();
    await expect(store.put('media/y/original.bin', Buffer.from('tiny'))).rejects.toMatchObject({
      code: 'storage_full',
    });
    expect(await listFiles(root)).toEqual(['media/x/original.bin']);

    await mount.free();
    await expect(store.put('media/y/original.bin', Buffer.alloc(1024 * 1024, 2))).resolves.toMatchObject({
      bytes: 1024 * 1024,
    });
  });
});

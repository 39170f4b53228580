import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('never writes outside its root', async () => {
    const outside = path.join(path.dirname(rootDir), 'escaped.txt');
    await expect(store.put(`/${outside}`, Buffer.from('x'))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(store.put('a/../../escaped.txt', Buffer.from('x'))).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(fs.stat(outside)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

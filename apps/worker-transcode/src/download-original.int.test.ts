import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createS3BlobStore, type S3BlobStore } from '@fjord/storage';
import { startS3TestServer, type S3TestServer } from '@fjord/testing';
import { downloadToTempFile } from './download-original';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('downloadToTempFile (a private copy of an S3 original for ffmpeg)', () => {
  let server: S3TestServer;
  let storage: S3BlobStore;
  let tempDir: string;

  beforeEach(async () => {
    server = await startS3TestServer();
    storage = createS3BlobStore(server.s3);
    tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-transcode-tmp-'));
  });
  afterEach(async () => {
    storage.close();
    await server.close();
    await fs.rm(tempDir, { recursive: true, force: true });
  });

  it('copies the blob whole into a file only this user can read, and cleanup removes it', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 'fjord');
    await storage.put('media/v/original.mp4', data);
    const copy = await downloadToTempFile({
      storage,
      key: 'media/v/original.mp4',
      tempDir,
      signal: new AbortController().signal,
    });
    expect(path.dirname(path.dirname(copy.path))).toBe(tempDir);
    expect(path.basename(copy.path)).toBe('original.mp4');
    expect(sha256(await fs.readFile(copy.path))).toBe(sha256(data));
    expect((await fs.stat(copy.path)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(copy.path))).mode & 0o777).toBe(0o700);
    await copy.cleanup();
    expect(await fs.readdir(tempDir)).toEqual([]);
  });

  it('leaves nothing behind when the original is missing or the job is cancelled', async () => {
    await expect(
      downloadToTempFile({
        storage,
        key: 'media/none/original.mp4',
        tempDir,
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });

    await storage.put('media/v/original.mp4', Buffer.alloc(1024 * 1024, 1));
    const cancel = new AbortController();
    const download = downloadToTempFile({
      storage,
      key: 'media/v/original.mp4',
      tempDir,
      signal: cancel.signal,
    });
    cancel.abort('deleted');
    await expect(download).rejects.toThrow();
    expect(await fs.readdir(tempDir)).toEqual([]);
  });
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBatchedFileWriter } from './batched-file-writer';

describe('createBatchedFileWriter (a real file)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-batched-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes chunks of every size across batch boundaries in order, whole', async () => {
    const file = path.join(dir, 'out.bin');
    const handle = await fs.open(file, 'wx');
    const writer = createBatchedFileWriter(handle, 7);
    const sizes = [1, 6, 7, 8, 20, 0, 3, 13, 14];
    const chunks = sizes.map((n, i) => Buffer.from(Array.from({ length: n }, (_, j) => (i * 31 + j) % 256)));
    for (const chunk of chunks) await writer.write(chunk);
    await writer.end();
    await handle.close();
    expect(await fs.readFile(file)).toEqual(Buffer.concat(chunks));
  });

  it('copies each chunk, so a caller reusing its buffer after write() cannot change what lands on disk', async () => {
    const file = path.join(dir, 'reused.bin');
    const handle = await fs.open(file, 'wx');
    const writer = createBatchedFileWriter(handle, 1024);
    const reused = Buffer.alloc(100);
    for (let i = 0; i < 30; i++) {
      reused.fill(i);
      await writer.write(reused);
    }
    await writer.end();
    await handle.close();
    const expected = Buffer.concat(Array.from({ length: 30 }, (_, i) => Buffer.alloc(100, i)));
    expect(await fs.readFile(file)).toEqual(expected);
  });

  it('reports a failed write from end(), and settle() waits for it without throwing', async () => {
    const handle = await fs.open(path.join(dir, 'closed.bin'), 'wx');
    const writer = createBatchedFileWriter(handle, 4);
    await handle.close(); // every write now fails (EBADF)
    await writer.write(Buffer.from('abcdefgh')).catch(() => undefined);
    await expect(writer.end()).rejects.toThrow();
    await expect(writer.settle()).resolves.toBeUndefined();
  });
});

import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '@fjord/storage';

export type LocalCopy = { path: string; cleanup(): Promise<void> };

/**
 * ffprobe/ffmpeg need a seekable file (MP4 indexes may sit at the end), so a blob without a local path
 * (S3) is copied once per job into a private directory (0700) under `tempDir`. The copy stops when
 * `signal` aborts (media deleted, worker shutting down); the caller removes it with cleanup() in a
 * finally, and a failed or cancelled download removes itself.
 */
export async function downloadToTempFile(deps: {
  storage: Pick<BlobStore, 'createReadStream'>;
  key: string;
  tempDir: string;
  signal: AbortSignal;
}): Promise<LocalCopy> {
  await fs.mkdir(deps.tempDir, { recursive: true });
  const dir = await fs.mkdtemp(path.join(deps.tempDir, 'fjord-original-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  const file = path.join(dir, path.basename(deps.key));
  try {
    await pipeline(
      deps.storage.createReadStream(deps.key),
      createWriteStream(file, { flags: 'wx', mode: 0o600 }),
      {
        signal: deps.signal,
      },
    );
    return { path: file, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

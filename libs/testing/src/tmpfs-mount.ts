import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type TmpfsMount = {
  dir: string;
  sizeBytes: number;
  /** Bytes an unprivileged writer can still use (statfs bavail). */
  availableBytes(): Promise<number>;
  /** Writes a filler file until only `leaveBytes` (default: not one page) are left; returns its size. */
  fill(opts?: { leaveBytes?: number }): Promise<number>;
  /** Removes the filler: the space is back. */
  free(): Promise<void>;
  unmount(): Promise<void>;
};

export type TmpfsResult =
  { mount: TmpfsMount; skipReason?: undefined } | { mount?: undefined; skipReason: string };

/**
 * A real, small file system for disk-full tests: a tmpfs of `sizeBytes` mounted on a fresh directory
 * under `parentDir` (default `<cwd>/.data/tmpfs`). Needs root (or CAP_SYS_ADMIN); when mounting is not
 * permitted it says why in `skipReason` instead of throwing, so the caller can skip with that reason.
 */
export async function mountTmpfs(opts: {
  sizeBytes: number;
  label: string;
  parentDir?: string;
}): Promise<TmpfsResult> {
  const parent = opts.parentDir ?? path.join(process.cwd(), '.data', 'tmpfs');
  const dir = path.join(parent, `${opts.label}-${process.pid}-${randomBytes(3).toString('hex')}`);
  await fs.mkdir(dir, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${opts.sizeBytes},mode=0755`, 'tmpfs', dir]);
  } catch (err) {
    await fs.rmdir(dir).catch(() => undefined);
    const stderr = (err as { stderr?: string }).stderr?.trim();
    return { skipReason: `cannot mount a tmpfs here (${stderr || (err as Error).message})` };
  }
  const filler = path.join(dir, '.filler');

  async function availableBytes(): Promise<number> {
    const s = await fs.statfs(dir);
    return s.bavail * s.bsize;
  }

  async function fill({ leaveBytes = 0 } = {}): Promise<number> {
    const handle = await fs.open(filler, 'a');
    let written = 0;
    try {
      // Big writes first, then pages, so the last free page goes too; bounded by the size in pages.
      for (const chunkBytes of [1024 * 1024, 4096]) {
        const chunk = Buffer.alloc(chunkBytes, 0x5a);
        for (let i = 0; i <= opts.sizeBytes / chunkBytes; i++) {
          const room = (await availableBytes()) - leaveBytes;
          if (room < chunkBytes) break;
          try {
            written += (await handle.write(chunk)).bytesWritten;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw err;
          }
        }
      }
      await handle.sync().catch(() => undefined);
    } finally {
      await handle.close();
    }
    return written;
  }

  async function unmount() {
    // Lazy as a fallback: a worker still holding a file open must not leave the mount behind.
    await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
    await fs.rmdir(dir).catch(() => undefined);
  }

  return {
    mount: {
      dir,
      sizeBytes: opts.sizeBytes,
      availableBytes,
      fill,
      free: () => fs.rm(filler, { force: true }),
      unmount,
    },
  };
}

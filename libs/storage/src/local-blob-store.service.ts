import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants, createReadStream as createFileReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { AppError, isAppError, isStorageFullError, storageFullError } from '@fjord/errors';
import { createBatchedFileWriter } from './batched-file-writer';
import { assertValidRange, iterate, notFound, tooLarge } from './blob-store.shared';
import type {
  BlobEntry,
  BlobSource,
  BlobStat,
  BlobStore,
  ByteRange,
  PutOptions,
  PutResult,
} from './blob-store.types';
import { assertValidKey } from './storage-key';

/** The temp file name writeWhole uses: `.<name>.<uuid>.tmp`. */
function isPartialName(name: string): boolean {
  return /^\.[^/]+\.tmp$/.test(name);
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** A directory fsync makes the rename itself durable, not only the file's bytes. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fullDiskAware<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw isStorageFullError(err) && !isAppError(err) ? storageFullError(err) : err;
  }
}

export function createLocalBlobStore({ rootDir }: { rootDir: string }): BlobStore {
  const root = path.resolve(rootDir);

  function resolveKey(key: string, opts?: { allowTrailingSlash?: boolean }): string {
    assertValidKey(key, opts);
    const full = path.resolve(root, key);
    // Belt and braces: validation already forbids '..' and absolute keys.
    if (!full.startsWith(root + path.sep)) throw new AppError('bad_request', `Invalid storage key "${key}"`);
    return full;
  }

  /** A full disk (ENOSPC/EDQUOT, at mkdir, open, write or fsync) becomes AppError('storage_full'). */
  async function put(key: string, source: BlobSource, opts: PutOptions = {}): Promise<PutResult> {
    return fullDiskAware(() => writeWhole(key, source, opts));
  }

  async function writeWhole(key: string, source: BlobSource, opts: PutOptions): Promise<PutResult> {
    const target = resolveKey(key);
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    // Same directory as the target, so the final rename is atomic (never crosses a filesystem).
    const temp = path.join(dir, `.${path.basename(target)}.${randomUUID()}.tmp`);
    const hash = createHash('sha256');
    let bytes = 0;
    const handle = await fs.open(temp, 'wx');
    const writer = createBatchedFileWriter(handle);
    let isClosed = false;
    try {
      for await (const chunk of iterate(source)) {
        bytes += chunk.byteLength;
        if (opts.maxBytes !== undefined && bytes > opts.maxBytes) {
          throw tooLarge(opts.maxBytes);
        }
        hash.update(chunk);
        await writer.write(chunk);
      }
      await writer.end();
      await handle.sync();
      await handle.close();
      isClosed = true;
      await fs.rename(temp, target);
      await syncDirectory(dir);
      return { bytes, sha256: hash.digest('hex') };
    } catch (err) {
      // Whatever stopped the write (a client gone, too large, a full disk), the partial file goes first.
      if (!isClosed) {
        await writer.settle();
        await handle.close().catch(() => undefined);
      }
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async function adoptFile(key: string, filePath: string, opts: PutOptions = {}): Promise<PutResult> {
    return fullDiskAware(() => adoptWhole(key, filePath, opts));
  }

  async function adoptWhole(key: string, filePath: string, opts: PutOptions): Promise<PutResult> {
    const target = resolveKey(key);
    const dir = path.dirname(target);
    // Only a regular file, never through a symlink: what is hashed is what is renamed into storage.
    const handle = await fs.open(filePath, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
    let bytes = 0;
    const hash = createHash('sha256');
    let adopted: Awaited<ReturnType<typeof handle.stat>>;
    try {
      adopted = await handle.stat();
      if (!adopted.isFile()) throw new Error(`Refusing to adopt ${filePath}: not a regular file`);
      if (opts.maxBytes !== undefined && adopted.size > opts.maxBytes) throw tooLarge(opts.maxBytes);
      for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 })) {
        bytes += (chunk as Buffer).byteLength;
        hash.update(chunk as Buffer);
      }
      // Still being written (a tus PATCH racing the finish): its hash would not be its bytes.
      if (bytes !== (await handle.stat()).size)
        throw new Error(`Refusing to adopt ${filePath}: it changed while read`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.mkdir(dir, { recursive: true });
    try {
      await fs.rename(filePath, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      const copied = await writeWhole(key, createFileReadStream(filePath), opts);
      await fs.rm(filePath, { force: true });
      return copied;
    }
    // The path was swapped between the hash and the rename: what moved is not what was hashed.
    if ((await fs.lstat(target)).ino !== adopted.ino) {
      await fs.rm(target, { force: true });
      throw new Error(`Refusing to adopt ${filePath}: it was replaced while adopted`);
    }
    await syncDirectory(dir);
    return { bytes, sha256: hash.digest('hex') };
  }

  async function stat(key: string): Promise<BlobStat | null> {
    try {
      const s = await fs.stat(resolveKey(key));
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  function createReadStream(key: string, range?: ByteRange): Readable {
    const file = resolveKey(key);
    if (range) assertValidRange(range);
    const source = createFileReadStream(file, range ? { start: range.start, end: range.end } : undefined);
    // A PassThrough lets us turn ENOENT into the AppError callers map to 404.
    const out = new PassThrough();
    source.on('error', (err) => out.destroy(isNotFound(err) ? notFound(key) : err));
    out.on('close', () => source.destroy());
    source.pipe(out);
    return out;
  }

  async function read(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(resolveKey(key));
    } catch (err) {
      if (isNotFound(err)) throw notFound(key);
      throw err;
    }
  }

  async function deleteKey(key: string): Promise<void> {
    await fs.rm(resolveKey(key), { force: true });
  }

  async function deletePrefix(prefix: string): Promise<void> {
    const full = resolveKey(prefix, { allowTrailingSlash: true });
    if (prefix.endsWith('/')) {
      await fs.rm(full, { recursive: true, force: true });
      return;
    }
    const dir = path.dirname(full);
    const base = path.basename(full);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    await Promise.all(
      names
        .filter((name) => name.startsWith(base))
        .map((name) => fs.rm(path.join(dir, name), { recursive: true, force: true })),
    );
  }

  /** Depth-first in name order, so keys come out sorted as S3 lists them. */
  async function* walk(dir: string): AsyncGenerator<BlobEntry> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      const s = await fs.stat(full).catch((err: unknown) => (isNotFound(err) ? null : Promise.reject(err)));
      if (!s) continue; // gone meanwhile (a rename or delete)
      const key = path.relative(root, full).split(path.sep).join('/');
      yield { key, mtimeMs: s.mtimeMs, isPartial: isPartialName(entry.name) };
    }
  }

  function list(prefix: string): AsyncIterable<BlobEntry> {
    if (!prefix.endsWith('/'))
      throw new AppError('bad_request', `list takes a folder prefix, got "${prefix}"`);
    return walk(resolveKey(prefix, { allowTrailingSlash: true }));
  }

  async function removePartial(key: string): Promise<void> {
    const dir = path.posix.dirname(key);
    const name = path.posix.basename(key);
    if (!isPartialName(name))
      throw new AppError('bad_request', `"${key.slice(0, 80)}" is not a partial write`);
    await fs.rm(path.join(resolveKey(`${dir}/`, { allowTrailingSlash: true }), name), { force: true });
  }

  return {
    driver: 'local',
    list,
    removePartial,
    put,
    adoptFile,
    stat,
    createReadStream,
    read,
    delete: deleteKey,
    deletePrefix,
    localPath: (key) => resolveKey(key),
  };
}

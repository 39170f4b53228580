import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { listOpenUploadIds, TUS_UPLOAD_ID } from '@fjord/ingest';

export { TUS_UPLOAD_ID };

/** A file with half its pair missing younger than this may still be being created: left alone. */
const ORPHAN_GRACE_MS = 10 * 60 * 1000;

type Entry = { data?: number; meta?: number; createdAt?: number };

async function mtimeOf(file: string): Promise<number | undefined> {
  const stats = await lstat(file).catch(() => null);
  return stats?.isFile() ? stats.mtimeMs : undefined;
}

async function creationOf(metaFile: string): Promise<number | undefined> {
  try {
    const { creation_date } = JSON.parse(await readFile(metaFile, 'utf8')) as { creation_date?: string };
    const at = creation_date ? Date.parse(creation_date) : NaN;
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes from the tus directory every partial upload older than `maxAgeMs` (by its creation date, or
 * its files' age when the metadata is unreadable), every half of a pair whose other half is gone (a file
 * whose metadata was lost, metadata whose file was lost) and any other stray file, so abandoned uploads
 * always expire and the directory stays bounded. Only regular files directly inside `directory`.
 */
export async function sweepTusDirectory(opts: {
  directory: string;
  maxAgeMs: number;
  now?: number;
}): Promise<{ removed: string[] }> {
  const now = opts.now ?? Date.now();
  const names = await readdir(opts.directory).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const uploads = new Map<string, Entry>();
  const removed: string[] = [];
  const remove = async (name: string) => {
    await rm(path.join(opts.directory, name), { force: true });
    removed.push(name);
  };

  for (const name of names) {
    const file = path.join(opts.directory, name);
    const mtime = await mtimeOf(file);
    if (mtime === undefined) continue; // a directory or a link: never ours to follow
    const id = name.endsWith('.json') ? name.slice(0, -5) : name;
    if (!TUS_UPLOAD_ID.test(id)) {
      if (now - mtime > Math.min(opts.maxAgeMs, ORPHAN_GRACE_MS)) await remove(name);
      continue;
    }
    const entry = uploads.get(id) ?? {};
    if (name.endsWith('.json')) {
      entry.meta = mtime;
      entry.createdAt = await creationOf(file);
    } else {
      entry.data = mtime;
    }
    uploads.set(id, entry);
  }

  for (const [id, entry] of uploads) {
    const newest = Math.max(entry.data ?? 0, entry.meta ?? 0);
    const isOrphan = entry.data === undefined || entry.meta === undefined;
    const age = now - (isOrphan ? newest : (entry.createdAt ?? newest));
    if (age <= (isOrphan ? Math.min(opts.maxAgeMs, ORPHAN_GRACE_MS) : opts.maxAgeMs)) continue;
    if (entry.data !== undefined) await remove(id);
    if (entry.meta !== undefined) await remove(`${id}.json`);
  }
  return { removed };
}

/** How many unfinished uploads in `directory` belong to `ownerId` (metadata and file both present). */
export async function countOpenUploads(directory: string, ownerId: string): Promise<number> {
  return (await listOpenUploadIds(directory, ownerId)).length;
}

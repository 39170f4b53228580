import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/** The only upload ids Fjord hands out (the tus server's namingFunction): 128 random bits, hex. */
export const TUS_UPLOAD_ID = /^[0-9a-f]{32}$/;

/** The unfinished uploads in a tus directory that belong to `ownerId` (metadata and file both present). */
export async function listOpenUploadIds(directory: string, ownerId: string): Promise<string[]> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const present = new Set(names);
  const ids: string[] = [];
  for (const name of names) {
    const id = name.endsWith('.json') ? name.slice(0, -5) : '';
    if (!TUS_UPLOAD_ID.test(id) || !present.has(id)) continue;
    try {
      const info = JSON.parse(await readFile(path.join(directory, name), 'utf8')) as {
        metadata?: { ownerId?: string };
      };
      if (info.metadata?.ownerId === ownerId) ids.push(id);
    } catch {
      // unreadable metadata is nobody's upload; the sweep removes it
    }
  }
  return ids;
}

/** Removes every unfinished upload of `ownerId` (file and metadata); returns how many. */
export async function removeOpenUploads(directory: string, ownerId: string): Promise<number> {
  const ids = await listOpenUploadIds(directory, ownerId);
  for (const id of ids) {
    await rm(path.join(directory, id), { force: true });
    await rm(path.join(directory, `${id}.json`), { force: true });
  }
  return ids.length;
}

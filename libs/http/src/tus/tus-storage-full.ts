import fs from 'node:fs/promises';
import { isStorageFullError } from '@fjord/errors';
import { ERRORS } from '@tus/server';

/** Under this much room left, a failed write failed for want of space. */
const NEARLY_FULL_BYTES = 1024 * 1024;

export const TUS_STORAGE_FULL_MESSAGE =
  "Fjord's storage is full, so the upload cannot continue right now. Please try again later.";

/**
 * Whether a tus error means the upload directory is out of space. Creating an upload surfaces the raw
 * ENOSPC; FileStore.write replaces a failed append's error with its own FILE_WRITE_ERROR (the errno is
 * lost), so that one is judged by the room left on the directory's file system.
 */
export async function isTusStorageFull(err: unknown, directory: string): Promise<boolean> {
  if (isStorageFullError(err)) return true;
  if (err !== ERRORS.FILE_WRITE_ERROR) return false;
  const stats = await fs.statfs(directory).catch(() => null);
  return stats !== null && stats.bavail * stats.bsize < NEARLY_FULL_BYTES;
}

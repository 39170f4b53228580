import { AppError, isAppError } from './app-error';

/** "No room": the file system is out of blocks or inodes, or the user's quota is used up. */
const STORAGE_FULL_ERRNOS = new Set(['ENOSPC', 'EDQUOT']);

export const STORAGE_FULL_MESSAGE =
  "Fjord's storage is full, so the file could not be saved. Nothing was kept; please try again later.";

/** What a storage driver throws when the backend has no room; the partial write is already removed. */
export function storageFullError(cause?: unknown): AppError {
  const err = new AppError('storage_full', STORAGE_FULL_MESSAGE);
  if (cause !== undefined) err.cause = cause;
  return err;
}

/**
 * True when `err`, or an error in its cause chain, says storage is out of space: AppError('storage_full')
 * from a BlobStore driver or a raw ENOSPC/EDQUOT from the file system. That is the machine's fault, never
 * the file's: uploads answer 507, jobs wait for space and retry instead of failing the media.
 */
export function isStorageFullError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (isAppError(current) && current.code === 'storage_full') return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && STORAGE_FULL_ERRNOS.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

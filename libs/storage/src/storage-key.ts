import { AppError } from '@fjord/errors';
import type { BlobStore } from './blob-store.types';

const KEY_CHARS = /^[a-zA-Z0-9/._-]+$/;
const MAX_KEY_LENGTH = 512;

/**
 * Throws unless `key` is safe to join onto a storage root: only [a-zA-Z0-9/._-], no leading '/',
 * no empty, '.' or '..' segments, and no segment starting with '.' (those names are reserved for the
 * temp files of in-flight writes, so a key can never address one).
 */
export function assertValidKey(key: string, { allowTrailingSlash = false } = {}): void {
  const body = allowTrailingSlash && key.endsWith('/') ? key.slice(0, -1) : key;
  const isValid =
    body.length > 0 &&
    key.length <= MAX_KEY_LENGTH &&
    KEY_CHARS.test(body) &&
    body.split('/').every((segment) => segment.length > 0 && !segment.startsWith('.'));
  if (!isValid) {
    throw new AppError(
      'bad_request',
      `Invalid storage key "${key.slice(0, 80)}": use letters, digits and / . _ - only, without a leading "/", empty parts or parts starting with "."`,
    );
  }
}

function assertSafePart(name: string, value: string): void {
  if (!/^[a-zA-Z0-9_-]+$/.test(value)) {
    throw new AppError('bad_request', `Invalid ${name} "${value.slice(0, 80)}" for a storage key`);
  }
}

/** `media/<id>/original.<ext>` */
export function originalKey(mediaId: string, ext: string): string {
  assertSafePart('media id', mediaId);
  assertSafePart('file extension', ext);
  return `media/${mediaId}/original.${ext.toLowerCase()}`;
}

/**
 * `media/<id>/r/[<run>/]<variant>[.<attempt>].<ext>`: a processing run (reprocess, re-drive) writes under
 * its own folder, and each attempt of a job under its own name, so a worker that wakes up after its job
 * was given to another never overwrites the file the accepted attempt wrote (docs/adr/0014).
 */
export function renditionKey(
  mediaId: string,
  variant: string,
  ext: string,
  run?: string,
  attempt?: string,
): string {
  assertSafePart('media id', mediaId);
  assertSafePart('variant', variant);
  assertSafePart('file extension', ext);
  if (run !== undefined) assertSafePart('processing run', run);
  if (attempt !== undefined) assertSafePart('attempt', attempt);
  return `media/${mediaId}/r/${run ? `${run}/` : ''}${variant}${attempt ? `.${attempt}` : ''}.${ext.toLowerCase()}`;
}

/**
 * `media/<id>/r/[<run>/]<variant>[.<attempt>]/`: the folder of a many-file rendition (the CMAF ladder's
 * init and media segments), per run and per attempt like renditionKey, so no late attempt can touch the
 * files a committed set points at.
 */
export function renditionPrefix(mediaId: string, variant: string, run?: string, attempt?: string): string {
  return `${renditionKey(mediaId, variant, 'd', run, attempt).slice(0, -2)}/`;
}

/** `media/<id>/`: everything stored for one media item, for deletePrefix. */
export function mediaPrefix(mediaId: string): string {
  assertSafePart('media id', mediaId);
  return `media/${mediaId}/`;
}

/**
 * `img-cache/<id>/<hash>.<ext>`: a rendered on-the-fly transform (docs/adr/0020). Outside `media/`, so the
 * orphan sweep (which judges files by the media row's references) leaves the cache to its own eviction.
 */
export function imageCacheKey(mediaId: string, hash: string, ext: string): string {
  assertSafePart('media id', mediaId);
  assertSafePart('cache hash', hash);
  assertSafePart('file extension', ext);
  return `${imageCachePrefix(mediaId)}${hash}.${ext}`;
}

export function imageCachePrefix(mediaId: string): string {
  assertSafePart('media id', mediaId);
  return `img-cache/${mediaId}/`;
}

/**
 * Bytes stored under a rendition's key: the file's size, or for a folder key (ending in '/', the CMAF
 * ladder) the sum over its files; null when nothing is there. What the crash and Redis-loss checks compare
 * with `Rendition.bytes`.
 */
/**
 * The bytes a rendition row's key should hold in storage: its own, plus (for a folder key) those of the
 * other rows stored inside that folder (the ladder's download MP4, ADR 0026).
 */
export function expectedStoredBytes(
  row: { storageKey: string; bytes: bigint | number },
  rows: readonly { storageKey: string; bytes: bigint | number }[],
): number {
  if (!row.storageKey.endsWith('/')) return Number(row.bytes);
  const inside = rows.filter((r) => r !== row && r.storageKey.startsWith(row.storageKey));
  return inside.reduce((n, r) => n + Number(r.bytes), Number(row.bytes));
}

export async function storedRenditionBytes(
  storage: Pick<BlobStore, 'stat' | 'list'>,
  key: string,
): Promise<number | null> {
  if (!key.endsWith('/')) return (await storage.stat(key))?.size ?? null;
  let total = 0;
  let count = 0;
  for await (const e of storage.list(key)) {
    if (e.isPartial) continue;
    total += (await storage.stat(e.key))?.size ?? 0;
    count += 1;
  }
  return count > 0 ? total : null;
}

import { AppError } from '@fjord/errors';
import type { BlobSource, ByteRange } from './blob-store.types';

/** What both drivers throw for a missing key; HTTP handlers map it to 404. */
export function notFound(key: string): AppError {
  return new AppError('not_found', `No file is stored under "${key}"`);
}

export async function* iterate(source: BlobSource): AsyncGenerator<Uint8Array> {
  if (Buffer.isBuffer(source)) {
    yield source;
    return;
  }
  yield* source;
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError('too_large', `The file is larger than the ${formatBytes(maxBytes)} limit`, {
    maxBytes,
  });
}

export function assertValidRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new AppError('bad_request', `Invalid byte range ${start}-${end}`);
  }
}

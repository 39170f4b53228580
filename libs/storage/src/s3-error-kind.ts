/**
 * Answers that mean the backend has no room, whatever the object: MinIO's full drives
 * (`XMinioStorageFull`, 507) and bucket quota (`XMinioAdminBucketQuotaExceeded`, 400), Ceph RGW's quota
 * (`QuotaExceeded`, 403), and the generic `InsufficientStorage`. Any 507 counts too, whatever its code.
 */
const STORAGE_FULL_CODES = new Set([
  'XMinioStorageFull',
  'XMinioAdminBucketQuotaExceeded',
  'QuotaExceeded',
  'InsufficientStorage',
]);

/** This object is bigger than the backend takes (5 GiB per PUT on S3): the file's size, not a full disk. */
const TOO_LARGE_CODES = new Set(['EntityTooLarge']);

export type S3ErrorKind = 'storage_full' | 'too_large' | 'other';

type SdkError = { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number }; cause?: unknown };

/** What an S3 SDK error (or one in its cause chain) says about a failed write. */
export function classifyS3Error(err: unknown): S3ErrorKind {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as SdkError;
    const codes = [e.Code, e.name].filter((c): c is string => typeof c === 'string');
    if (codes.some((c) => TOO_LARGE_CODES.has(c))) return 'too_large';
    if (codes.some((c) => STORAGE_FULL_CODES.has(c)) || e.$metadata?.httpStatusCode === 507) {
      return 'storage_full';
    }
    current = e.cause;
  }
  return 'other';
}

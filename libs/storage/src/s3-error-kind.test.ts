import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { classifyS3Error } from './s3-error-kind';

/** An error as the SDK builds it from an S3 error response (name = the XML <Code>). */
function sdkError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} from the server`,
  });
}

describe('classifyS3Error', () => {
  it.each([
    ['XMinioStorageFull', 507],
    ['XMinioAdminBucketQuotaExceeded', 400],
    ['QuotaExceeded', 403],
    ['InsufficientStorage', 507],
    ['SomethingNew', 507],
  ])('%s (%i) is storage_full', (name, status) => {
    expect(classifyS3Error(sdkError(name, status))).toBe('storage_full');
  });

  it('EntityTooLarge is the file being too large, not a full store', () => {
    expect(classifyS3Error(sdkError('EntityTooLarge', 400))).toBe('too_large');
  });

  it('anything else stays an infrastructure error of its own', () => {
    for (const [name, status] of [
      ['SlowDown', 503],
      ['InternalError', 500],
      ['AccessDenied', 403],
      ['NoSuchBucket', 404],
    ] as const) {
      expect(classifyS3Error(sdkError(name, status)), name).toBe('other');
    }
    expect(classifyS3Error(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('other');
    expect(classifyS3Error(undefined)).toBe('other');
  });

  it('looks through a wrapping error to its cause', () => {
    const wrapped = new Error('S3 upload of "k" failed', { cause: sdkError('XMinioStorageFull', 507) });
    expect(classifyS3Error(wrapped)).toBe('storage_full');
  });
});

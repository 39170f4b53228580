import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_FULL_MESSAGE, isStorageFullError } from '@fjord/errors';
import { listenOnLoopback, startS3TestServer, type S3TestServer } from '@fjord/testing';
import { createS3BlobStore, type S3BlobStore } from './s3-blob-store.service';

const MIB = 1024 * 1024;
type Refusal = { code: string; status: number };

/**
 * s3rver has no quota and no minimum free space, so it never says "full". A loopback front passes every
 * request to it, except that while `refuseWrites` is set it answers each PUT (PutObject, UploadPart)
 * with the error document MinIO sends, as MinIO sends it (status, XML <Code>), and drops the body. It
 * also answers AbortMultipartUpload 204 as MinIO does: s3rver answers it 405 (not implemented), and
 * lib-storage then throws the abort's error in place of the part's.
 */
async function startRefusingFront(target: string) {
  let refusal: Refusal | undefined;
  const server = http.createServer((req, res) => {
    if (refusal && req.method === 'PUT') {
      const { code, status } = refusal;
      req.resume();
      req.on('end', () => {
        res.writeHead(status, { 'Content-Type': 'application/xml', Connection: 'close' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>refused by the test</Message><Resource>${req.url}</Resource><RequestId>test</RequestId></Error>`,
        );
      });
      return;
    }
    if (req.method === 'DELETE' && new URL(req.url ?? '/', target).searchParams.has('uploadId')) {
      res.writeHead(204).end();
      return;
    }
    const upstream = http.request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const port = await listenOnLoopback(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    refuseWrites: (next: Refusal | undefined) => void (refusal = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('S3 driver when the bucket is full (s3rver behind a refusing front)', () => {
  let s3: S3TestServer;
  let front: Awaited<ReturnType<typeof startRefusingFront>>;
  let store: S3BlobStore;

  beforeAll(async () => {
    s3 = await startS3TestServer();
    front = await startRefusingFront(s3.s3.endpoint);
    store = createS3BlobStore({ ...s3.s3, endpoint: front.endpoint, partSizeBytes: 5 * MIB, onWarning() {} });
  });
  afterAll(async () => {
    store?.close();
    await front?.close();
    await s3?.close();
  });

  it.each([
    ['MinIO out of drive space (XMinioStorageFull, 507), one PutObject', 'XMinioStorageFull', 507, 1024],
    [
      'MinIO bucket quota (XMinioAdminBucketQuotaExceeded, 400), multipart',
      'XMinioAdminBucketQuotaExceeded',
      400,
      11 * MIB,
    ],
  ])('%s → storage_full, nothing stored', async (_name, code, status, size) => {
    front.refuseWrites({ code, status });
    const key = `media/full-${code}/original`;
    const err = await store.put(key, Buffer.alloc(size, 7)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'storage_full', message: STORAGE_FULL_MESSAGE });
    expect(isStorageFullError(err)).toBe(true);
    expect(String((err as Error).cause)).toContain(code);
    front.refuseWrites(undefined);
    expect(await store.stat(key)).toBeNull();
    // Once there is room again the same put goes through.
    expect((await store.put(key, Buffer.alloc(size, 7))).bytes).toBe(size);
  });

  it('EntityTooLarge is the file being too large (too_large), not a full store', async () => {
    front.refuseWrites({ code: 'EntityTooLarge', status: 400 });
    const err = await store.put('media/too-large/original', Buffer.alloc(1024)).then(
      () => undefined,
      (e: unknown) => e,
    );
    front.refuseWrites(undefined);
    expect(err).toMatchObject({ code: 'too_large' });
    expect(isStorageFullError(err)).toBe(false);
  });
});

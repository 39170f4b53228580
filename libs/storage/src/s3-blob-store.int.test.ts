import { Readable } from 'node:stream';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startS3TestServer, testConfig, type S3TestServer } from '@fjord/testing';
import { describeBlobStoreContract } from './blob-store.contract';
import { createBlobStore } from './blob-store.service';
import { createS3BlobStore, type S3BlobStore } from './s3-blob-store.service';

const MIB = 1024 * 1024;
const PREFIX = 'fjord-contract';

async function listBucket(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys.sort();
}

/**
 * Every multipart upload the driver started (seen in UploadPart requests) was completed or aborted.
 * s3rver implements neither ListMultipartUploads (501) nor AbortMultipartUpload (405), so this checks
 * what the driver sent, not what the server kept: against MinIO/AWS, ListMultipartUploads would be the
 * stronger check.
 */
function expectEveryUploadClosed(server: S3TestServer): void {
  const idOf = (url: string) => new URL(url, 'http://x').searchParams.get('uploadId');
  const started = new Set(server.requests.filter((r) => r.method === 'PUT').map((r) => idOf(r.url)));
  started.delete(null);
  const closed = new Set(
    server.requests.filter((r) => r.method === 'POST' || r.method === 'DELETE').map((r) => idOf(r.url)),
  );
  for (const id of started) expect(closed.has(id), `upload ${id} neither completed nor aborted`).toBe(true);
}

describeBlobStoreContract('S3 (s3rver)', async () => {
  const server = await startS3TestServer();
  const store = createS3BlobStore({ ...server.s3, prefix: PREFIX, partSizeBytes: 5 * MIB, pageSize: 7 });
  return {
    store,
    // The whole bucket: a key outside the store's prefix would show up (and fail the comparison).
    listAll: async () =>
      (await listBucket(store.client, server.s3.bucket)).map((k) =>
        k.startsWith(`${PREFIX}/`) ? k.slice(PREFIX.length + 1) : `OUTSIDE-PREFIX:${k}`,
      ),
    expectNoPendingUploads: async () => expectEveryUploadClosed(server),
    partSizeBytes: 5 * MIB,
    pageSize: 7,
    teardown: async () => {
      store.close();
      await server.close();
    },
  };
});

describe('S3 BlobStore specifics (s3rver)', () => {
  let server: S3TestServer;
  let store: S3BlobStore;
  const warnings: string[] = [];

  beforeEach(async () => {
    server = await startS3TestServer();
    warnings.length = 0;
    store = createS3BlobStore({ ...server.s3, onWarning: (message) => warnings.push(message) });
  });
  afterEach(async () => {
    vi.useRealTimers();
    store?.close();
    await server?.close();
  });

  it('is chosen by STORAGE_DRIVER=s3 and has no local paths', async () => {
    const configured = createBlobStore(testConfig(server.env));
    expect(configured.driver).toBe('s3');
    expect(configured.localPath).toBeUndefined();
    await configured.put('media/a/original.txt', Buffer.from('via config'));
    expect((await store.read('media/a/original.txt')).toString()).toBe('via config');
  });

  it('S3_PREFIX keeps two Fjords in one bucket apart', async () => {
    const prod = createS3BlobStore({ ...server.s3, prefix: 'prod' });
    const staging = createS3BlobStore({ ...server.s3, prefix: 'staging/eu' });
    try {
      await prod.put('media/a/original.txt', Buffer.from('prod'));
      await staging.put('media/a/original.txt', Buffer.from('staging'));
      expect(await listBucket(store.client, server.s3.bucket)).toEqual([
        'prod/media/a/original.txt',
        'staging/eu/media/a/original.txt',
      ]);
      await staging.deletePrefix('media/');
      expect((await prod.read('media/a/original.txt')).toString()).toBe('prod');
      expect(await staging.stat('media/a/original.txt')).toBeNull();
    } finally {
      prod.close();
      staging.close();
    }
  });

  it('presignGet: a plain fetch gets the bytes with the asked headers until the URL expires', async () => {
    await store.put('media/p/original.mp4', Buffer.from('movie bytes'));
    const url = await store.presignGet!('media/p/original.mp4', {
      expiresInSeconds: 60,
      filename: 'Fjørd clip.mp4',
      contentType: 'video/mp4',
    });
    expect(url.startsWith(`${server.s3.endpoint}/${server.s3.bucket}/media/p/original.mp4?`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('movie bytes');
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Fj_rd clip.mp4"; filename*=UTF-8''Fj%C3%B8rd%20clip.mp4`,
    );
    // s3rver checks a presigned URL's access key and expiry, not its signature (see the ADR).

    // Signed two minutes ago for 60 s: expired by the server's clock, no waiting.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 120_000);
    const expired = await store.presignGet!('media/p/original.mp4', { expiresInSeconds: 60 });
    vi.useRealTimers();
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Request has expired');

    for (const expiresInSeconds of [0, 1.5, 8 * 24 * 3600]) {
      await expect(store.presignGet!('media/p/original.mp4', { expiresInSeconds })).rejects.toMatchObject({
        code: 'bad_request',
      });
    }
  });

  it('sends DeleteObjects with Content-MD5 (what MinIO/Ceph expect) and no CRC32 headers', async () => {
    await store.put('media/d/a.txt', Buffer.from('a'));
    await store.put('media/d/b.txt', Buffer.from('b'));
    await store.deletePrefix('media/d/');
    const batch = server.requests.find((r) => r.method === 'POST' && r.url.includes('delete'));
    expect(batch?.headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(Object.keys(batch?.headers ?? {}).filter((h) => h.startsWith('x-amz-checksum-'))).toEqual([]);
    // Checksums only where the API requires them: no CRC32 on ordinary PUTs either.
    const puts = server.requests.filter((r) => r.method === 'PUT');
    expect(puts.length).toBeGreaterThan(0);
    for (const put of puts) expect(put.headers['x-amz-sdk-checksum-algorithm']).toBeUndefined();
  });

  it('a refused upload is aborted; s3rver cannot abort (405), which the driver reports as a warning', async () => {
    const big = createS3BlobStore({
      ...server.s3,
      partSizeBytes: 5 * MIB,
      onWarning: (message) => warnings.push(message),
    });
    try {
      const body = Readable.from(Array.from({ length: 11 }, () => Buffer.alloc(MIB, 1)));
      await expect(big.put('media/h/original.bin', body, { maxBytes: 10 * MIB })).rejects.toMatchObject({
        code: 'too_large',
      });
      const abort = server.requests.find((r) => r.method === 'DELETE' && r.url.includes('uploadId='));
      expect(abort?.url).toContain('/fjord-test/media/h/original.bin?uploadId=');
      expect(warnings).toEqual(['aborting the upload of "media/h/original.bin" failed']);
      expect(await big.stat('media/h/original.bin')).toBeNull();
    } finally {
      big.close();
    }
  });

  it('goes only to the configured endpoint: AWS_* variables and profiles cannot redirect it', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
      AWS_DEFAULTS_MODE: 'auto',
      AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'WRONG',
      AWS_SECRET_ACCESS_KEY: 'WRONG',
      AWS_REGION: 'eu-north-1',
      AWS_USE_FIPS_ENDPOINT: 'true',
    });
    const isolated = createS3BlobStore(server.s3);
    try {
      const seen = server.requests.length;
      await isolated.put('media/e/original.txt', Buffer.from('stays home'));
      expect((await isolated.read('media/e/original.txt')).toString()).toBe('stays home');
      expect(server.requests.length).toBe(seen + 2);
      expect(server.requests.at(-1)?.headers.authorization).toContain('Credential=S3RVER/');
      expect(server.requests.at(-1)?.headers.authorization).toContain('/us-east-1/s3/');
    } finally {
      isolated.close();
      process.env = saved;
    }
  });

  it('says which bucket and object failed when the server refuses', async () => {
    const wrong = createS3BlobStore({ ...server.s3, bucket: 'no-such-bucket' });
    const badKey = createS3BlobStore({ ...server.s3, accessKeyId: 'NOT-A-KEY' });
    try {
      await expect(wrong.put('a.txt', Buffer.from('x'))).rejects.toThrow(
        /S3 upload of "a.txt" in bucket "no-such-bucket" failed: NoSuchBucket/,
      );
      await expect(badKey.read('a.txt')).rejects.toThrow(
        /S3 read of "a.txt" in bucket "fjord-test" failed: InvalidAccessKeyId/,
      );
    } finally {
      wrong.close();
      badKey.close();
    }
  });
});

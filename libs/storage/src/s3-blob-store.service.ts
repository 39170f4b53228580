import { createHash } from 'node:crypto';
import { PassThrough, Readable, pipeline } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Config } from '@fjord/config';
import { AppError, storageFullError } from '@fjord/errors';
import { assertValidRange, iterate, notFound, tooLarge } from './blob-store.shared';
import type {
  BlobEntry,
  BlobSource,
  BlobStat,
  BlobStore,
  ByteRange,
  PresignGetOptions,
  PutOptions,
  PutResult,
} from './blob-store.types';
import { contentDisposition } from './content-disposition';
import { createS3Client } from './s3-client';
import { classifyS3Error } from './s3-error-kind';
import { assertValidKey } from './storage-key';

export type S3BlobStoreOptions = S3Config & {
  /** Multipart part size; S3 requires at least 5 MiB. Memory per put ≈ partSizeBytes × queueSize. */
  partSizeBytes?: number;
  /** Parts in flight per put. */
  queueSize?: number;
  /** ListObjectsV2 page and DeleteObjects batch in deletePrefix (S3 allows at most 1000). */
  pageSize?: number;
  /** Told when cleaning up after a failed upload fails too (the bucket may then hold orphan parts). */
  onWarning?: (message: string, err: unknown) => void;
};

export type S3BlobStore = BlobStore & { readonly client: S3Client; close(): void };

const MIB = 1024 * 1024;
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isMissing(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(err) === 404;
}

/** Drops the first `skip` bytes, passes `take` bytes, then stops reading (the source is destroyed). */
function trimmed(skip: number, take: number) {
  return async function* (source: AsyncIterable<Buffer>) {
    let toSkip = skip;
    let left = take;
    for await (const chunk of source) {
      const from = Math.min(toSkip, chunk.length);
      toSkip -= from;
      const part = chunk.subarray(from, from + Math.min(left, chunk.length - from));
      left -= part.length;
      if (part.length > 0) yield part;
      if (left <= 0) return;
    }
  };
}

/**
 * Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Garage …). Objects appear whole or not at
 * all (S3 only publishes an object once its PUT or multipart upload completes), so a reader never sees a
 * partial blob. Large bodies stream through a multipart upload: memory stays at a few parts.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): S3BlobStore {
  const { bucket } = options;
  const partSize = options.partSizeBytes ?? 8 * MIB;
  const queueSize = options.queueSize ?? 4;
  const pageSize = Math.min(options.pageSize ?? 1000, 1000);
  const keyPrefix = options.prefix ? `${options.prefix}/` : '';
  const client = createS3Client(options);

  function objectKey(key: string, opts?: { allowTrailingSlash?: boolean }): string {
    assertValidKey(key, opts);
    return keyPrefix + key;
  }

  /** SDK errors keep their name and status but say which object they were about. */
  function withContext(err: unknown, op: string, key: string): Error {
    if (err instanceof AppError) return err;
    const e = err as Error;
    return new Error(`S3 ${op} of "${key}" in bucket "${bucket}" failed: ${e.name}: ${e.message}`, {
      cause: err,
    });
  }

  async function put(key: string, source: BlobSource, opts: PutOptions = {}): Promise<PutResult> {
    const Key = objectKey(key);
    const hash = createHash('sha256');
    let bytes = 0;
    let sourceError: unknown;
    async function* counted(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of iterate(source)) {
          bytes += chunk.byteLength;
          if (opts.maxBytes !== undefined && bytes > opts.maxBytes) throw tooLarge(opts.maxBytes);
          hash.update(chunk);
          yield chunk;
        }
      } catch (err) {
        sourceError = err;
        throw err;
      }
    }
    const body = Readable.from(counted(), { objectMode: false });
    // On any failure lib-storage sends AbortMultipartUpload (once every part in flight has settled), so
    // no parts are left behind; a body smaller than one part is a single PutObject.
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key, Body: body },
      partSize,
      queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
      return { bytes, sha256: hash.digest('hex') };
    } catch (err) {
      body.destroy();
      if (source instanceof Readable) source.destroy();
      if (sourceError !== undefined) {
        if (err !== sourceError) options.onWarning?.(`aborting the upload of "${key}" failed`, err);
        throw sourceError;
      }
      throw classifiedUploadError(err, key);
    }
  }

  /** A full store or quota becomes storage_full (507, jobs wait), as ENOSPC does on the local driver. */
  function classifiedUploadError(err: unknown, key: string): Error {
    const described = withContext(err, 'upload', key);
    switch (classifyS3Error(err)) {
      case 'storage_full':
        return storageFullError(described);
      case 'too_large': {
        const tooBig = new AppError(
          'too_large',
          'The file is larger than the storage accepts for one object',
        );
        tooBig.cause = described;
        return tooBig;
      }
      default:
        return described;
    }
  }

  async function stat(key: string): Promise<BlobStat | null> {
    const Key = objectKey(key);
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
      return { size: head.ContentLength ?? 0, mtimeMs: head.LastModified?.getTime() ?? 0 };
    } catch (err) {
      if (isMissing(err)) return null;
      throw withContext(err, 'stat', key);
    }
  }

  function createReadStream(key: string, range?: ByteRange): Readable {
    const Key = objectKey(key);
    if (range) assertValidRange(range);
    const out = new PassThrough();
    const abort = new AbortController();
    out.on('close', () => abort.abort());
    const Range = range ? `bytes=${range.start}-${range.end}` : undefined;
    client
      .send(new GetObjectCommand({ Bucket: bucket, Key, Range }), { abortSignal: abort.signal })
      .then((res) => {
        const body = res.Body as Readable;
        if (out.destroyed) return body.destroy();
        // HTTP lets a server ignore Range (200, whole body), and some S3 look-alikes send more than
        // asked (s3rver answers bytes=0-0 with everything): trim to the asked bytes whatever came.
        const sentFrom = Number(/^bytes (\d+)-/.exec(res.ContentRange ?? '')?.[1] ?? 0);
        const skip = range ? range.start - sentFrom : 0;
        const take = range ? range.end - range.start + 1 : Infinity;
        if (skip < 0) return out.destroy(new Error(`S3 sent "${key}" from byte ${sentFrom}, not ${Range}`));
        pipeline(body, trimmed(skip, take), out, (err) => {
          if (err && !out.destroyed) out.destroy(withContext(err, 'read', key));
        });
      })
      .catch((err: unknown) => {
        if (out.destroyed) return;
        if (isMissing(err)) return out.destroy(notFound(key));
        if ((err as Error).name === 'InvalidRange') {
          return out.destroy(new AppError('bad_request', `Byte range ${Range} is outside "${key}"`));
        }
        out.destroy(withContext(err, 'read', key));
      });
    return out;
  }

  async function read(key: string): Promise<Buffer> {
    const Key = objectKey(key);
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    } catch (err) {
      if (isMissing(err)) throw notFound(key);
      throw withContext(err, 'read', key);
    }
  }

  async function deleteKey(key: string): Promise<void> {
    const Key = objectKey(key);
    try {
      // S3 answers 204 for a missing key too: deletes are idempotent.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
    } catch (err) {
      if (isMissing(err)) return;
      throw withContext(err, 'delete', key);
    }
  }

  async function deletePrefix(prefix: string): Promise<void> {
    const Prefix = objectKey(prefix, { allowTrailingSlash: true });
    let ContinuationToken: string | undefined;
    do {
      const page = await client
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix, MaxKeys: pageSize, ContinuationToken }))
        .catch((err: unknown) => Promise.reject(withContext(err, 'list', prefix)));
      const objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (objects.length > 0) {
        const res = await client
          .send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }))
          .catch((err: unknown) => Promise.reject(withContext(err, 'delete', prefix)));
        const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
        if (failed.length > 0) {
          const first = failed[0]!;
          throw new Error(
            `S3 could not delete ${failed.length} object(s) under "${prefix}": ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim(),
          );
        }
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  function list(prefix: string): AsyncIterable<BlobEntry> {
    if (!prefix.endsWith('/'))
      throw new AppError('bad_request', `list takes a folder prefix, got "${prefix}"`);
    return listPages(prefix);
  }

  async function* listPages(prefix: string): AsyncGenerator<BlobEntry> {
    const Prefix = objectKey(prefix, { allowTrailingSlash: true });
    const strip = Prefix.length - prefix.length; // S3_PREFIX in front of every object key
    let ContinuationToken: string | undefined;
    do {
      const page = await client
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix, MaxKeys: pageSize, ContinuationToken }))
        .catch((err: unknown) => Promise.reject(withContext(err, 'list', prefix)));
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        yield { key: o.Key.slice(strip), mtimeMs: o.LastModified?.getTime() ?? 0, isPartial: false };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async function presignGet(key: string, opts: PresignGetOptions): Promise<string> {
    const Key = objectKey(key);
    const expiresIn = opts.expiresInSeconds;
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
      throw new AppError(
        'bad_request',
        `expiresInSeconds must be a whole number from 1 to ${MAX_PRESIGN_SECONDS}`,
      );
    }
    const command = new GetObjectCommand({
      Bucket: bucket,
      Key,
      ResponseContentType: opts.contentType,
      ResponseContentDisposition: opts.filename ? contentDisposition(opts.filename) : undefined,
    });
    return getSignedUrl(client, command, { expiresIn });
  }

  return {
    driver: 's3',
    client,
    put,
    stat,
    createReadStream,
    read,
    delete: deleteKey,
    deletePrefix,
    list,
    presignGet,
    close: () => client.destroy(),
  };
}

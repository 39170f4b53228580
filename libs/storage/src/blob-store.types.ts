import type { Readable } from 'node:stream';

export type BlobSource = Buffer | Readable | AsyncIterable<Uint8Array>;

export interface PutOptions {
  /** Abort with AppError('too_large') once more than this many bytes arrive. */
  maxBytes?: number;
}

export interface PutResult {
  bytes: number;
  /** Lowercase hex. */
  sha256: string;
}

export interface BlobStat {
  size: number;
  mtimeMs: number;
}

/** Byte range, both ends inclusive (the HTTP Range convention). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where blobs live. The local-disk driver is the default; an S3-compatible driver implements the same
 * interface (it simply has no `localPath`). Keys are validated by every driver (see storage-key.ts).
 */
export interface BlobStore {
  readonly driver: 'local' | 's3';
  /** Streams `source` to the key. Readers never see a partly written blob: it appears whole or not at all. */
  put(key: string, source: BlobSource, opts?: PutOptions): Promise<PutResult>;
  /** null when nothing is stored under the key. */
  stat(key: string): Promise<BlobStat | null>;
  /** Errors with AppError('not_found') on the stream when the key is missing. */
  createReadStream(key: string, range?: ByteRange): Readable;
  read(key: string): Promise<Buffer>;
  /** Succeeds when the key is already gone (deletes are retried by jobs). */
  delete(key: string): Promise<void>;
  /** Deletes every key starting with `prefix` (S3 semantics: `media/abc/` removes that "folder"). */
  deletePrefix(prefix: string): Promise<void>;
  /** Absolute file path, for drivers on disk: lets sharp/ffmpeg read the file without a copy. */
  localPath?(key: string): string;
}

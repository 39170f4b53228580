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

/** One stored object, as `list` yields it. */
export interface BlobEntry {
  key: string;
  mtimeMs: number;
  /**
   * The temp file of a write that never finished (a process killed mid-put; local driver only): `key` is
   * its path, which no other method accepts; remove it with `removePartial`.
   */
  isPartial: boolean;
}

/** Byte range, both ends inclusive (the HTTP Range convention). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PresignGetOptions {
  /** Lifetime of the URL, 1 s to 7 days (S3's own limit). */
  expiresInSeconds: number;
  /** Served as `Content-Disposition: attachment` with this name. */
  filename?: string;
  /** Served as the response's Content-Type (objects themselves are stored without one). */
  contentType?: string;
}

/**
 * Where blobs live. The local-disk driver is the default; an S3-compatible driver implements the same
 * interface (it has no `localPath`, and adds `presignGet`). Keys are validated by every driver (see storage-key.ts).
 */
export interface BlobStore {
  readonly driver: 'local' | 's3';
  /**
   * Streams `source` to the key. Readers never see a partly written blob: it appears whole or not at all.
   * A backend out of space throws AppError('storage_full') (see isStorageFullError), with nothing left behind.
   */
  put(key: string, source: BlobSource, opts?: PutOptions): Promise<PutResult>;
  /**
   * Moves a finished local file (a tus upload) into the key instead of copying it: the bytes are read
   * once for the hash and size, fsynced, and renamed into place — they cross the disk once, not twice.
   * Local driver only; `filePath` is gone afterwards on success. A file on another filesystem is copied
   * as `put` would (and then removed). Same errors as `put`; on failure the file stays where it was.
   */
  adoptFile?(key: string, filePath: string, opts?: PutOptions): Promise<PutResult>;
  /** null when nothing is stored under the key. */
  stat(key: string): Promise<BlobStat | null>;
  /** Errors with AppError('not_found') on the stream when the key is missing. */
  createReadStream(key: string, range?: ByteRange): Readable;
  read(key: string): Promise<Buffer>;
  /** Succeeds when the key is already gone (deletes are retried by jobs). */
  delete(key: string): Promise<void>;
  /** Deletes every key starting with `prefix` (S3 semantics: `media/abc/` removes that "folder"). */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Everything stored under `prefix` (a folder prefix ending in '/'), in key order, for orphan sweeps.
   * S3 lists whole objects only: a multipart upload a killed process left is not an object (a bucket
   * lifecycle rule, AbortIncompleteMultipartUpload, removes its parts).
   */
  list(prefix: string): AsyncIterable<BlobEntry>;
  /** Removes a partial write `list` reported (local driver). */
  removePartial?(key: string): Promise<void>;
  /** Absolute file path, for drivers on disk: lets sharp/ffmpeg read the file without a copy. */
  localPath?(key: string): string;
  /**
   * A URL anyone can GET the blob from until it expires, served by the object store itself (S3 driver
   * only). Fjord's own downloads never use it: /files and the API's signed URLs go through Fjord, which
   * checks access and sets safe headers. It exists for operators and tooling (see docs/adr/0008).
   */
  presignGet?(key: string, opts: PresignGetOptions): Promise<string>;
}

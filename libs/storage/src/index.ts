export type {
  BlobEntry,
  BlobSource,
  BlobStat,
  BlobStore,
  ByteRange,
  PresignGetOptions,
  PutOptions,
  PutResult,
} from './blob-store.types';
export { contentDisposition } from './content-disposition';
export { createBlobStore, type BlobStoreConfig } from './blob-store.service';
export { createLocalBlobStore } from './local-blob-store.service';
export { createS3BlobStore, type S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.service';
export {
  assertValidKey,
  imageCacheKey,
  imageCachePrefix,
  originalKey,
  renditionKey,
  renditionPrefix,
  mediaPrefix,
  storedRenditionBytes,
  expectedStoredBytes,
} from './storage-key';
// Storage's own fault class, here so consumers of storage need no second import (defined in @fjord/errors).
export { isStorageFullError } from '@fjord/errors';

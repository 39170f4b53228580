export type { BlobSource, BlobStat, BlobStore, ByteRange, PutOptions, PutResult } from './blob-store.types';
export { createBlobStore } from './blob-store.service';
export { createLocalBlobStore } from './local-blob-store.service';
export { assertValidKey, originalKey, renditionKey, mediaPrefix } from './storage-key';

import type { Config } from '@fjord/config';
import type { BlobStore } from './blob-store.types';
import { createLocalBlobStore } from './local-blob-store.service';
import { createS3BlobStore } from './s3-blob-store.service';

export type BlobStoreConfig = Pick<Config, 'STORAGE_DRIVER' | 'storageDir' | 's3'>;

/** The configured BlobStore: local disk (STORAGE_DIR) or an S3-compatible bucket (STORAGE_DRIVER=s3). */
export function createBlobStore(
  config: BlobStoreConfig,
  opts: { onWarning?: (message: string, err: unknown) => void } = {},
): BlobStore {
  if (config.STORAGE_DRIVER === 's3') {
    // parseConfig refuses STORAGE_DRIVER=s3 without these; a hand-built config might not.
    if (!config.s3)
      throw new Error('STORAGE_DRIVER=s3 needs S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
    return createS3BlobStore({ ...config.s3, onWarning: opts.onWarning });
  }
  return createLocalBlobStore({ rootDir: config.storageDir });
}

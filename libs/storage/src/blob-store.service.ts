import type { Config } from '@fjord/config';
import type { BlobStore } from './blob-store.types';
import { createLocalBlobStore } from './local-blob-store.service';

/** The configured BlobStore. Only the local-disk driver exists today; S3 plugs in here. */
export function createBlobStore(config: Pick<Config, 'storageDir'>): BlobStore {
  return createLocalBlobStore({ rootDir: config.storageDir });
}

import type { Readable } from 'node:stream';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import type { MediaEventSubscriber, MediaFlowEnqueuer, QueueAdmin, Queues } from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';
import type { SecretCipher } from '@fjord/webhooks';

export type IngestUploadInput = {
  ownerId: string;
  filename: string;
  declaredType?: string;
  body: Buffer | Readable | ReadableStream<Uint8Array>;
  requestId?: string;
};

/** The slice of @fjord/ingest the API calls; structural so tests can pass the real service or a stand-in. */
export type MediaIngest = {
  ingestUpload(input: IngestUploadInput): Promise<{ id: string; kind: string; status: string }>;
};

/** Everything a request may touch, created once per process by the app that hosts the API. */
export type ApiServices = {
  config: Pick<
    Config,
    | 'cookieSecure'
    | 'NODE_ENV'
    | 'WEBHOOK_ALLOW_PRIVATE'
    | 'WEBHOOK_ATTEMPTS'
    | 'WEBHOOK_BACKOFF_MS'
  >;
  db: DbClient;
  ingest: MediaIngest;
  queues: Pick<Queues, 'db' | 'transcode' | 'webhooks'>;
  /**
   * The one media deletion (@fjord/ingest createMediaDeletion) for a media the caller may delete: row,
   * running ffmpeg, pending jobs, blobs, then the `media.deleted` webhook.
   */
  deleteMedia(mediaId: string): Promise<{ deleted: boolean; removedJobs: number }>;
  /** Re-runs a finished flow (@fjord/ingest createMediaReprocessing); AppError conflict while it runs. */
  reprocessMedia(mediaId: string): Promise<{ removedJobs: number }>;
  events: Pick<MediaEventSubscriber, 'subscribe'>;
  /** Seals webhook signing secrets before they are stored (@fjord/webhooks loadSecretCipher). */
  secrets: SecretCipher;
  /** What the admin console steers: BullMQ through @fjord/queue, re-runs, blob deletion. */
  admin: {
    queueAdmin: QueueAdmin;
    enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
    storage: Pick<BlobStore, 'deletePrefix'>;
  };
};

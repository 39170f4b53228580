import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import type { MediaEventSubscriber, MediaFlowEnqueuer, QueueAdmin, QueueLogger, Queues } from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';
import type { SecretCipher } from '@fjord/webhooks';
import type { AuthThrottle } from './auth/auth-throttle.service';

/** Everything a request may touch, created once per process by the app that hosts the API. */
export type ApiServices = {
  config: Pick<
    Config,
    | 'cookieSecure'
    | 'NODE_ENV'
    | 'WEBHOOK_ALLOW_PRIVATE'
    | 'WEBHOOK_ATTEMPTS'
    | 'WEBHOOK_BACKOFF_MS'
    | 'SIGNUP_MODE'
    | 'INVITE_TTL_HOURS'
    | 'FJORD_PUBLIC_URL'
    | 'QUOTA_STORAGE_BYTES'
    | 'QUOTA_UPLOADS_PER_DAY'
    | 'QUOTA_VIDEO_MINUTES_PER_DAY'
    | 'imagePresets'
    | 'IMAGE_EAGER_PRESETS'
    | 'EMAIL_VERIFICATION_TTL_HOURS'
    | 'JOB_ATTEMPTS'
    | 'JOB_BACKOFF_MS'
    | 'QUEUE_PREFIX'
  >;
  db: DbClient;
  /** Blobs the API writes itself (caption files); renditions are the workers'. */
  storage: Pick<BlobStore, 'put' | 'delete'>;
  /** The connection: Redis leases (one bulk reprocess per preset). */
  queues: Pick<Queues, 'db' | 'transcode' | 'email' | 'webhooks' | 'connection'>;
  /**
   * The one media deletion (@fjord/ingest createMediaDeletion) for a media the caller may delete: row,
   * running ffmpeg, pending jobs, blobs, then the `media.deleted` webhook.
   */
  deleteMedia(mediaId: string): Promise<{ deleted: boolean; removedJobs: number }>;
  /**
   * Erases a person and everything of theirs (@fjord/ingest createUserErasure; docs/adr/0018): resumable,
   * idempotent, audited without personal data. Authz is the caller's.
   */
  eraseUser(input: { userId: string; actorId?: string | null }): Promise<{ erased: boolean; media: number }>;
  /** Re-runs a finished flow (@fjord/ingest createMediaReprocessing); AppError conflict while it runs. */
  reprocessMedia(mediaId: string): Promise<{ removedJobs: number }>;
  events: Pick<MediaEventSubscriber, 'subscribe'>;
  /** Seals webhook signing secrets before they are stored (@fjord/webhooks loadSecretCipher). */
  secrets: SecretCipher;
  /** HMAC key of signed URLs and of email verification links (docs/adr/0024); never logged. */
  urlSigningSecret: string;
  /** For what a request must not fail on but an operator must hear of (a verification mail not queued). */
  logger: Pick<QueueLogger, 'warn' | 'error'>;
  /** Per-IP and per-account limits on auth.signIn / auth.signUp (createAuthThrottle), shared in Redis. */
  authThrottle: AuthThrottle;
  /** What the admin console steers: BullMQ through @fjord/queue, re-runs, blob deletion. */
  admin: {
    queueAdmin: QueueAdmin;
    enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
    storage: Pick<BlobStore, 'deletePrefix'>;
  };
};

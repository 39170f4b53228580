import { createAuthThrottle, type ApiServices } from '@fjord/api';
import { loadUrlSigningSecret } from '@fjord/auth';
import { getConfig, type Config } from '@fjord/config';
import { createDbClient, type DbClient } from '@fjord/db';
import {
  createIngestService,
  createMediaDeletion,
  createMediaReprocessing,
  createUserErasure,
  type IngestService,
} from '@fjord/ingest';
import { createLogger, type Logger } from '@fjord/observability';
import {
  createMediaEventPublisher,
  createMediaEventSubscriber,
  createMediaFlowEnqueuer,
  createQueueAdmin,
  createQueues,
  type MediaEventPublisher,
  type MediaEventSubscriber,
  type MediaFlowEnqueuer,
  type Queues,
  watchBrokerDurability,
} from '@fjord/queue';
import { createBlobStore, type BlobStore } from '@fjord/storage';
import { loadSecretCipher, sealWebhookSecrets } from '@fjord/webhooks';

export type WebServices = ApiServices & {
  config: Config;
  logger: Logger;
  storage: BlobStore;
  queues: Queues;
  enqueuer: MediaFlowEnqueuer;
  events: MediaEventSubscriber;
  publisher: MediaEventPublisher;
  db: DbClient;
  /** The one ingest (sniff, per-kind limit, blob, row, flow) behind every upload route. */
  ingest: IngestService;
};

// On globalThis so `next dev` reloading modules does not open a new pool and Redis connections each time.
const holder = globalThis as typeof globalThis & { __fjordWebServices?: WebServices };

/** The process's services, created on first use from getConfig() (never at import: `next build` imports). */
export function getServices(): WebServices {
  holder.__fjordWebServices ??= createWebServices(getConfig());
  return holder.__fjordWebServices;
}

/** The services if this process created them already; never creates them (used on shutdown). */
export function peekServices(): WebServices | undefined {
  return holder.__fjordWebServices;
}

export function createWebServices(config: Config): WebServices {
  const logger = createLogger({ service: 'web', level: config.LOG_LEVEL });
  const db = createDbClient({ url: config.DATABASE_URL });
  const storage = createBlobStore(config, { onWarning: (message, err) => logger.warn({ err }, message) });
  const queues = createQueues(config, { logger });
  const enqueuer = createMediaFlowEnqueuer({ config, queues, logger });
  // One loud line at start and after each reconnect when Redis can lose or evict queued work.
  watchBrokerDurability(queues.connection, logger);
  const ingest = createIngestService({ db, storage, enqueuer, config, logger });
  const events = createMediaEventSubscriber(config, { logger });
  const queueAdmin = createQueueAdmin({ queues, prefix: config.QUEUE_PREFIX });
  const admin = { queueAdmin, enqueuer, storage };
  const publisher = createMediaEventPublisher(config, { logger });
  const deleteMedia = createMediaDeletion({
    db,
    storage,
    events: publisher,
    queueAdmin,
    queues,
    config,
    logger,
  });
  const reprocessMedia = createMediaReprocessing({ db, queues, enqueuer });
  const eraseUser = createUserErasure({ db, deleteMedia, storage, queues, config, logger });
  const urlSigningSecret = loadUrlSigningSecret(config);
  const secrets = loadSecretCipher(config);
  const authThrottle = createAuthThrottle({ redis: queues.connection, config });
  // First boot after the upgrade (and after a key rotation): seal what is still plaintext or under an
  // older key. In the background: a request never waits for it, and worker-webhook does the same at boot.
  void sealWebhookSecrets({ db, secrets, logger })
    .then((r) => {
      if (r.sealed + r.rotated + r.unreadable > 0) logger.info(r, 'webhook secrets sealed at boot');
    })
    .catch((err: unknown) => logger.error({ err }, 'sealing webhook secrets at boot failed'));
  return {
    config,
    logger,
    db,
    storage,
    queues,
    enqueuer,
    ingest,
    events,
    publisher,
    deleteMedia,
    reprocessMedia,
    eraseUser,
    admin,
    urlSigningSecret,
    secrets,
    authThrottle,
  };
}

export async function closeWebServices(services: WebServices): Promise<void> {
  await Promise.allSettled([
    services.events.close(),
    services.publisher.close(),
    services.enqueuer.close(),
    services.admin.queueAdmin.close(),
  ]);
  await Promise.allSettled([services.queues.close(), services.db.$disconnect()]);
}

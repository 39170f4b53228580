import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { createMediaEventPublisher, createQueueAdmin, type QueueLogger, type Queues } from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';
import { createMediaDeletion } from '../delete-media.service';
import { createUserErasure } from './erase-user.service';

/**
 * The erasure with its own event publisher and queue admin, for processes that have no media deletion
 * wired already (the CLI, worker-db's maintenance job). `close` releases only what it opened.
 */
export function openUserErasure(deps: {
  config: Config;
  db: DbClient;
  queues: Queues;
  storage: BlobStore;
  logger: QueueLogger;
}) {
  const { config, db, queues, storage, logger } = deps;
  const events = createMediaEventPublisher(config, { logger });
  const queueAdmin = createQueueAdmin({ queues, prefix: config.QUEUE_PREFIX });
  const deleteMedia = createMediaDeletion({ db, storage, events, queueAdmin, queues, config, logger });
  const eraseUser = createUserErasure({ db, deleteMedia, storage, queues, config, logger });
  return {
    eraseUser,
    async close() {
      await Promise.allSettled([events.close(), queueAdmin.close()]);
    },
  };
}

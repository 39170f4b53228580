import { getConfig } from '@fjord/config';
import { createDbClient, isDatabaseReachable } from '@fjord/db';
import { createLogger, startTracing } from '@fjord/observability';
import {
  QueueName,
  createMediaEventPublisher,
  createMediaFlowEnqueuer,
  createQueues,
  handleJob,
  handleShutdownSignals,
  runWorker,
  startMaintenanceSchedule,
  sweepStuckMediaJob,
} from '@fjord/queue';
import { openUserErasure } from '@fjord/ingest';
import { createBlobStore } from '@fjord/storage';
import { emitMediaWebhookEvent, loadUrlSigningSecret } from '@fjord/webhooks';
import { createFinalizeProcessor } from './finalize-media.processor';
import { createSweepProcessor } from './sweep-stuck-media.processor';

const config = getConfig();
const logger = createLogger({ service: 'worker-db', level: config.LOG_LEVEL });
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed last on shutdown (ADR 0022).
const tracing = startTracing(config, { service: 'worker-db' });
const db = createDbClient({ url: config.DATABASE_URL, max: config.DB_CONCURRENCY + 2 });
const events = createMediaEventPublisher(config, { logger });
const queues = createQueues(config, { logger });
const enqueuer = createMediaFlowEnqueuer({ config, queues });
const storage = createBlobStore(config);
const erasure = openUserErasure({ config, db, queues, storage, logger });

// Every replica keeps the one scheduler alive: re-created after Redis lost it (flush, empty restart).
const schedule = await startMaintenanceSchedule({ queues, everyMs: config.SWEEPER_INTERVAL_MS, logger });

const streamSigner = {
  urlSigningSecret: loadUrlSigningSecret(config),
  baseUrl: config.FJORD_PUBLIC_URL,
  ttlSeconds: config.SIGNED_URL_TTL_SECONDS,
};

const finalize = await runWorker({
  queueName: QueueName.db,
  processor: createFinalizeProcessor({
    db,
    storage,
    events,
    logger,
    emitWebhook: (input) => emitMediaWebhookEvent({ db, queues, config, streamSigner }, input),
  }),
  concurrency: config.DB_CONCURRENCY,
  config,
  logger,
  healthPort: config.HEALTH_PORT ?? 9102,
  isDependencyReady: () => isDatabaseReachable(db),
  handleSignals: false,
});
const maintenance = await runWorker({
  queueName: QueueName.maintenance,
  processor: handleJob(
    sweepStuckMediaJob,
    createSweepProcessor({
      db,
      queues,
      enqueuer,
      storage,
      config,
      staleAfterMs: config.SWEEPER_STALE_AFTER_MS,
      logger,
      eraseUser: erasure.eraseUser,
    }),
  ),
  concurrency: 1,
  config,
  logger,
  handleSignals: false,
});

handleShutdownSignals(async () => {
  schedule.stop();
  await Promise.all([finalize.close(), maintenance.close()]);
  await enqueuer.close();
  await erasure.close();
  await queues.close();
  await events.close();
  await db.$disconnect();
  await tracing.shutdown();
}, logger);

import { getConfig } from '@fjord/config';
import { createDbClient, isDatabaseReachable } from '@fjord/db';
import { createLogger, startTracing } from '@fjord/observability';
import { QueueName, observeWebhookJob, runWorker } from '@fjord/queue';
import { loadSecretCipher, sealWebhookSecrets } from '@fjord/webhooks';
import { createDeliverWebhookProcessor } from './deliver-webhook.processor';

const config = getConfig();
const logger = createLogger({ service: 'worker-webhook', level: config.LOG_LEVEL });
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed last on shutdown (ADR 0022).
const tracing = startTracing(config, { service: 'worker-webhook' });
const db = createDbClient({ url: config.DATABASE_URL, max: config.WEBHOOK_CONCURRENCY + 2 });
const secrets = loadSecretCipher(config);
// Before the first delivery: rows from before encryption (or under a rotated-out key) are sealed anew.
const sealed = await sealWebhookSecrets({ db, secrets, logger });
if (sealed.sealed + sealed.rotated + sealed.unreadable > 0)
  logger.info(sealed, 'webhook secrets sealed at boot');

await runWorker({
  queueName: QueueName.webhooks,
  processor: observeWebhookJob(
    createDeliverWebhookProcessor({
      db,
      secrets,
      logger,
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    }),
  ),
  concurrency: config.WEBHOOK_CONCURRENCY,
  config,
  logger,
  healthPort: config.HEALTH_PORT ?? 9104,
  isDependencyReady: () => isDatabaseReachable(db),
  onClose: async () => {
    await db.$disconnect();
    await tracing.shutdown();
  },
});

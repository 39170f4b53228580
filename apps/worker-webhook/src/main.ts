import { getConfig } from '@fjord/config';
import { createDbClient } from '@fjord/db';
import { createLogger } from '@fjord/observability';
import { QueueName, runWorker } from '@fjord/queue';
import { createDeliverWebhookProcessor } from './deliver-webhook.processor';

const config = getConfig();
const logger = createLogger({ service: 'worker-webhook', level: config.LOG_LEVEL });
const db = createDbClient({ url: config.DATABASE_URL, max: config.WEBHOOK_CONCURRENCY + 2 });

await runWorker({
  queueName: QueueName.webhooks,
  processor: createDeliverWebhookProcessor({
    db,
    logger,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  }),
  concurrency: config.WEBHOOK_CONCURRENCY,
  config,
  logger,
  healthPort: config.HEALTH_PORT ?? 9104,
  onClose: async () => {
    await db.$disconnect();
  },
});

import { getConfig } from '@fjord/config';
import { createDbClient, isDatabaseReachable } from '@fjord/db';
import { createMailer } from '@fjord/email';
import { createLogger, startTracing } from '@fjord/observability';
import { QueueName, createMediaEventPublisher, observeNotifyJob, runWorker } from '@fjord/queue';
import { createAccountEmailProcessor } from './account-email.processor';
import { createNotifyProcessor } from './notify-media.processor';

const config = getConfig();
const logger = createLogger({ service: 'worker-email', level: config.LOG_LEVEL });
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed last on shutdown (ADR 0022).
const tracing = startTracing(config, { service: 'worker-email' });
const db = createDbClient({ url: config.DATABASE_URL, max: config.EMAIL_CONCURRENCY + 2 });
const mailer = createMailer(config);
const events = createMediaEventPublisher(config, { logger });

await runWorker({
  queueName: QueueName.email,
  processor: [
    createNotifyProcessor({ db, mailer, events, logger, publicUrl: config.FJORD_PUBLIC_URL }),
    createAccountEmailProcessor({
      db,
      mailer,
      logger,
      verificationTtlHours: config.EMAIL_VERIFICATION_TTL_HOURS,
    }),
  ].map(observeNotifyJob),
  concurrency: config.EMAIL_CONCURRENCY,
  config,
  logger,
  healthPort: config.HEALTH_PORT ?? 9103,
  isDependencyReady: () => isDatabaseReachable(db),
  onClose: async () => {
    await events.close();
    await mailer.close();
    await db.$disconnect();
    await tracing.shutdown();
  },
});

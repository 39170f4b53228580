import { createIdempotencyStore, createRateLimiter } from '@fjord/api';
import { createWebhookService } from '@fjord/webhooks';
import { createRestWebhookHandlers } from './handlers/rest-webhooks.handler';
import { createRestCaptionsHandlers } from './handlers/rest-captions.handler';
import { createRestMediaHandlers } from './handlers/rest-media.handler';
import { createRestImageUrlHandler } from './handlers/rest-image-url.handler';
import { createRestRenditionsHandler } from './handlers/rest-renditions.handler';
import { createRestApi } from './rest-api';
import type { WebServices } from './services';

/** Every REST v1 handler wired to one set of services (tests call this with their own). */
export function createRestHandlers(services: WebServices) {
  const { config, logger } = services;
  const consume = createRateLimiter({
    redis: services.queues.connection,
    prefix: config.QUEUE_PREFIX,
    limit: config.RATE_LIMIT_REQUESTS,
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
  });
  const restApi = createRestApi({
    db: services.db,
    logger,
    // Fail open: a Redis hiccup should not take the API down with it; it is logged.
    limitRate: (principal) =>
      consume(principal.apiKeyId).catch((err: unknown) => {
        logger.warn({ err }, 'rate limiter unavailable; request let through');
        return { isAllowed: true, headers: {} };
      }),
  });
  const idempotency = createIdempotencyStore(services);
  return {
    ...createRestMediaHandlers({ ...services, restApi, idempotency }),
    listRenditions: createRestRenditionsHandler({ ...services, restApi }),
    imageUrl: createRestImageUrlHandler({ ...services, restApi }),
    captions: createRestCaptionsHandlers({ ...services, restApi, idempotency }),
    webhooks: createRestWebhookHandlers({ restApi, idempotency, webhooks: createWebhookService(services) }),
  };
}

export { isPublicAddress, resolveWebhookTarget, type ResolvedTarget, type Resolver } from './ssrf-guard';
export { deliverWebhook, WebhookAttemptError, type DeliverWebhookDeps } from './webhook-delivery.service';
export {
  emitMediaWebhookEvent,
  enqueueWebhookDelivery,
  type MediaSnapshot,
  webhookJobOptions,
  type WebhookQueueConfig,
} from './webhook-events.service';
export {
  createWebhookService,
  type WebhookService,
  type WebhookServiceDeps,
} from './webhook-endpoint.service';

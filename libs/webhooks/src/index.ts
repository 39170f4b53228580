export { isPublicAddress, resolveWebhookTarget, type ResolvedTarget, type Resolver } from './ssrf-guard';
export { deliverWebhook, WebhookAttemptError, type DeliverWebhookDeps } from './webhook-delivery.service';
export {
  emitMediaWebhookEvent,
  enqueueWebhookDelivery,
  type MediaSnapshot,
  type WebhookQueueConfig,
} from './webhook-events.service';
export {
  createWebhookService,
  type WebhookService,
  type WebhookServiceDeps,
} from './webhook-endpoint.service';
export {
  createSecretCipher,
  loadSecretCipher,
  SecretCipherError,
  SEALED_PREFIX,
  webhookSecretContext,
  type SecretCipher,
} from './secret-cipher';
export { sealWebhookSecrets, type SealWebhookSecretsResult } from './seal-webhook-secrets.service';
export {
  candidateWebhookJobIds,
  redriveWebhookDeliveries,
  type RedriveWebhookDeliveriesDeps,
} from './redrive-webhook-deliveries.service';
export {
  findSignedPlayback,
  findSignedStreams,
  type SignedPlayback,
  type StreamSigner,
} from './media-streams.service';
/** worker-db signs media.ready's stream URLs with the same key as the web process. */
export { loadUrlSigningSecret } from '@fjord/auth';

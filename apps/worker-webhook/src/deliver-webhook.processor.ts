import { deliverWebhookJob, handleJob, isLastAttempt, type QueueLogger } from '@fjord/queue';
import { deliverWebhook, type DeliverWebhookDeps } from '@fjord/webhooks';

/**
 * One delivery attempt per job run; BullMQ's exponential backoff spaces the retries over ~24 h. A refused
 * target is a WebhookAttemptError with isPermanent, which runWorker fails at once.
 */
export function createDeliverWebhookProcessor(deps: DeliverWebhookDeps & { logger: QueueLogger }) {
  return handleJob(deliverWebhookJob, ({ deliveryId }, job) =>
    deliverWebhook(deps, { deliveryId, isLastAttempt: isLastAttempt(job) }),
  );
}

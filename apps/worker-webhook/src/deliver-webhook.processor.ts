import { UnrecoverableError, WebhookJobDataSchema, type Job, type QueueLogger } from '@fjord/queue';
import { deliverWebhook, WebhookAttemptError, type DeliverWebhookDeps } from '@fjord/webhooks';

/** One delivery attempt per job run; BullMQ's exponential backoff spaces the retries over ~24 h. */
export function createDeliverWebhookProcessor(deps: DeliverWebhookDeps & { logger: QueueLogger }) {
  return async function processDeliverWebhook(job: Job) {
    const { deliveryId } = WebhookJobDataSchema.parse(job.data);
    const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      return await deliverWebhook(deps, { deliveryId, isLastAttempt });
    } catch (err) {
      if (err instanceof WebhookAttemptError && err.isPermanent) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}

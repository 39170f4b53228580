import type { DbClient } from '@fjord/db';
import { webhookJobId, type QueueLogger, type Queues } from '@fjord/queue';
import { enqueueWebhookDelivery, type WebhookQueueConfig } from './webhook-events.service';

export type RedriveWebhookDeliveriesDeps = {
  db: DbClient;
  queues: Pick<Queues, 'webhooks'>;
  config: WebhookQueueConfig;
  staleAfterMs: number;
  logger: QueueLogger;
  batchSize?: number;
};

/** Job ids looked for per delivery, newest round first; redeliveries beyond that are not expected. */
const MAX_ROUNDS_CHECKED = 64;

/**
 * Round ids a delivery's job can have: 0 for the first, and a redelivery numbers its round after the
 * attempts logged so far (webhook-endpoint.service), so never above `attemptRows + 1`.
 */
export function candidateWebhookJobIds(deliveryId: string, attemptRows: number): string[] {
  const newest = Math.min(attemptRows + 1, MAX_ROUNDS_CHECKED - 1);
  const rounds = Array.from({ length: newest }, (_, i) => newest - i);
  return [...rounds, 0].map((round) => webhookJobId(deliveryId, round));
}

/**
 * The reconciler's webhook half: a delivery still PENDING in Postgres (to an enabled endpoint) with no
 * job under any of its ids was lost with Redis; it is queued again under its first id. A delivery with
 * any job (waiting, delayed for backoff, failed for the console) is left alone. Idempotent: the fixed
 * id folds concurrent re-adds into one job, and the delivery itself skips once SUCCEEDED.
 */
export async function redriveWebhookDeliveries(
  deps: RedriveWebhookDeliveriesDeps,
): Promise<{ redelivered: string[] }> {
  const { db, queues, logger } = deps;
  const pending = await db.webhookDelivery.findMany({
    where: {
      status: 'PENDING',
      createdAt: { lt: new Date(Date.now() - deps.staleAfterMs) },
      endpoint: { disabledAt: null },
    },
    select: { id: true, _count: { select: { log: true } } },
    orderBy: { createdAt: 'asc' },
    take: deps.batchSize ?? 100,
  });
  const redelivered: string[] = [];
  for (const delivery of pending) {
    try {
      let hasJob = false;
      for (const id of candidateWebhookJobIds(delivery.id, delivery._count.log)) {
        if (await queues.webhooks.getJob(id)) {
          hasJob = true;
          break;
        }
      }
      if (hasJob) continue;
      await enqueueWebhookDelivery(deps, delivery.id);
      redelivered.push(delivery.id);
    } catch (err) {
      logger.error({ err, deliveryId: delivery.id }, 'reconciler could not re-queue a webhook delivery');
    }
  }
  if (redelivered.length > 0) logger.warn({ redelivered }, 're-queued webhook deliveries whose job was lost');
  return { redelivered };
}

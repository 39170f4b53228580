import { randomBytes, randomUUID } from 'node:crypto';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { WEBHOOK_EVENTS, type Queues } from '@fjord/queue';
import { webhookSecretContext, type SecretCipher } from './secret-cipher';
import { resolveWebhookTarget, type Resolver } from './ssrf-guard';
import { enqueueWebhookDelivery, type WebhookQueueConfig } from './webhook-events.service';

const MAX_ENDPOINTS_PER_USER = 20;
const NOT_FOUND = 'This webhook does not exist or you do not have access to it.';

export type WebhookServiceDeps = {
  db: DbClient;
  queues: Pick<Queues, 'webhooks'>;
  config: WebhookQueueConfig & { WEBHOOK_ALLOW_PRIVATE: boolean };
  /** Seals signing secrets before they are stored (loadSecretCipher). */
  secrets: SecretCipher;
  resolve?: Resolver;
};

const endpointSelect = { id: true, url: true, events: true, disabledAt: true, createdAt: true } as const;

/** Register, list, remove endpoints; read their delivery log; redeliver. Always scoped to one user. */
export function createWebhookService(deps: WebhookServiceDeps) {
  async function createEndpoint(input: { userId: string; url: string; events: string[] }) {
    const events = [...new Set(input.events)];
    const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
    if (events.length === 0 || unknown.length > 0) {
      throw new AppError('bad_request', `Subscribe to one or more of: ${WEBHOOK_EVENTS.join(', ')}.`);
    }
    // Checked at registration for a quick answer, and again before every delivery (DNS can change).
    const target = await resolveWebhookTarget(input.url, {
      allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE,
      resolve: deps.resolve,
    });
    const count = await deps.db.webhookEndpoint.count({ where: { userId: input.userId } });
    if (count >= MAX_ENDPOINTS_PER_USER)
      throw new AppError('conflict', `You can register at most ${MAX_ENDPOINTS_PER_USER} webhooks.`);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    const secretCiphertext = deps.secrets.seal(secret, webhookSecretContext(id));
    const endpoint = await deps.db.webhookEndpoint.create({
      data: { id, userId: input.userId, url: target.url.toString(), events, secretCiphertext },
      select: endpointSelect,
    });
    return { endpoint, secret };
  }

  /** The signing secret of one of the user's endpoints (an Idempotency-Key replay of its creation). */
  async function revealSecret(userId: string, id: string): Promise<string> {
    const row = await deps.db.webhookEndpoint.findFirst({
      where: { id, userId },
      select: { secretCiphertext: true },
    });
    if (!row) throw new AppError('not_found', NOT_FOUND);
    return deps.secrets.open(row.secretCiphertext, webhookSecretContext(id));
  }

  const listEndpoints = (userId: string) =>
    deps.db.webhookEndpoint.findMany({
      where: { userId },
      orderBy: { createdAt: 'desc' },
      select: endpointSelect,
    });

  async function deleteEndpoint(userId: string, id: string): Promise<void> {
    const { count } = await deps.db.webhookEndpoint.deleteMany({ where: { id, userId } });
    if (count === 0) throw new AppError('not_found', NOT_FOUND);
  }

  async function listDeliveries(userId: string, endpointId: string) {
    const endpoint = await deps.db.webhookEndpoint.findFirst({
      where: { id: endpointId, userId },
      select: { id: true },
    });
    if (!endpoint) throw new AppError('not_found', NOT_FOUND);
    return deps.db.webhookDelivery.findMany({
      where: { endpointId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 50,
      select: {
        id: true,
        eventId: true,
        event: true,
        status: true,
        attempts: true,
        createdAt: true,
        deliveredAt: true,
        log: {
          orderBy: { createdAt: 'asc' },
          select: { attempt: true, statusCode: true, durationMs: true, error: true, createdAt: true },
        },
      },
    });
  }

  /** Sends a delivery again (whatever its state) as a new round of attempts. */
  async function redeliver(userId: string, deliveryId: string): Promise<void> {
    const delivery = await deps.db.webhookDelivery.findFirst({
      where: { id: deliveryId, endpoint: { userId } },
      select: { id: true },
    });
    if (!delivery)
      throw new AppError('not_found', 'This delivery does not exist or you do not have access to it.');
    await deps.db.webhookDelivery.update({ where: { id: delivery.id }, data: { status: 'PENDING' } });
    const round = await deps.db.webhookAttempt.count({ where: { deliveryId } });
    await enqueueWebhookDelivery(deps, delivery.id, round + 1);
  }

  return { createEndpoint, revealSecret, listEndpoints, deleteEndpoint, listDeliveries, redeliver };
}
export type WebhookService = ReturnType<typeof createWebhookService>;

import { CreateWebhookBodySchema, isUuid, type IdempotencyStore, type WebhookDeliveryList } from '@fjord/api';
import { AppError } from '@fjord/errors';
import type { WebhookService } from '@fjord/webhooks';
import { jsonError } from '../http-error';
import { readLimitedBytes } from '../limited-body';
import { parseRestInput, type createRestApi } from '../rest-api';
import { createIdempotent, jsonParts, smallBodyParts } from '../rest-idempotency';

const MAX_JSON_BYTES = 16 * 1024;
const notFound = () => jsonError('not_found', 'This webhook does not exist or you do not have access to it.');

/** The JSON body, never more than 16 KB read (too_large as soon as it is over). */
async function readJson(req: Request): Promise<unknown> {
  const bytes = await readLimitedBytes(req, MAX_JSON_BYTES, 'The JSON body');
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new AppError('bad_request', 'The body is not valid JSON.');
  }
}

/** An endpoint as REST shows it (the signing secret only ever in the create answer). */
const toRestWebhook = (e: { id: string; url: string; events: string[]; createdAt: Date }) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  createdAt: e.createdAt.toISOString(),
});

/** /api/v1/webhooks… — scope webhooks:manage; every object is looked up within the key owner's own. */
export function createRestWebhookHandlers(deps: {
  webhooks: WebhookService;
  restApi: ReturnType<typeof createRestApi>;
  idempotency: IdempotencyStore;
}) {
  const { webhooks, restApi } = deps;
  const once = createIdempotent(deps.idempotency);

  // The stored response never holds the signing secret (it stays sealed in its row); a replay
  // re-reads it from the endpoint, so a client whose first response was lost still gets it (ADR 0008).
  const createWebhook = (req: Request) =>
    restApi(req, 'createWebhook', async ({ user, apiKeyId }) => {
      const json = await readJson(req);
      const secretOnReplay = {
        redact: (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), secret: undefined }),
        restore: async (stored: string) => {
          const created = JSON.parse(stored) as { id: string };
          return JSON.stringify({ ...created, secret: await webhooks.revealSecret(user.id, created.id) });
        },
      };
      return once(
        req,
        apiKeyId,
        jsonParts(json),
        async () => {
          const body = parseRestInput(CreateWebhookBodySchema, json);
          const { endpoint, secret } = await webhooks.createEndpoint({ userId: user.id, ...body });
          return Response.json({ ...toRestWebhook(endpoint), secret }, { status: 201 });
        },
        secretOnReplay,
      );
    });

  const listWebhooks = (req: Request) =>
    restApi(req, 'listWebhooks', async ({ user }) => {
      const items = (await webhooks.listEndpoints(user.id)).map(toRestWebhook);
      return Response.json({ items });
    });

  const deleteWebhook = (req: Request, id: string) =>
    restApi(req, 'deleteWebhook', async ({ user }) => {
      if (!isUuid(id)) return notFound();
      await webhooks.deleteEndpoint(user.id, id);
      return new Response(null, { status: 204 });
    });

  const listDeliveries = (req: Request, id: string) =>
    restApi(req, 'listWebhookDeliveries', async ({ user }) => {
      if (!isUuid(id)) return notFound();
      const rows = await webhooks.listDeliveries(user.id, id);
      const body = {
        items: rows.map((d) => ({
          ...d,
          createdAt: d.createdAt.toISOString(),
          deliveredAt: d.deliveredAt?.toISOString() ?? null,
          log: d.log.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
        })),
      } as WebhookDeliveryList;
      return Response.json(body);
    });

  const redeliver = (req: Request, deliveryId: string) =>
    restApi(req, 'redeliverWebhook', async ({ user, apiKeyId }) =>
      once(req, apiKeyId, await smallBodyParts(req), async () => {
        if (!isUuid(deliveryId)) return notFound();
        await webhooks.redeliver(user.id, deliveryId);
        return Response.json({ id: deliveryId, status: 'PENDING' }, { status: 202 });
      }),
    );

  return { createWebhook, listWebhooks, deleteWebhook, listDeliveries, redeliver };
}

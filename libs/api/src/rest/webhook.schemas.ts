import { WEBHOOK_EVENTS } from '@fjord/queue';
import { z } from 'zod';

export const CreateWebhookBodySchema = z
  .strictObject({
    url: z.url().max(2000).meta({ description: 'http(s) URL; private and loopback targets are refused.' }),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
  })
  .meta({ id: 'CreateWebhook' });

export const WebhookEndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookEndpoint' });

export const CreatedWebhookSchema = WebhookEndpointSchema.extend({
  secret: z.string().meta({ description: 'Signs every delivery (Fjord-Signature); shown only here.' }),
}).meta({ id: 'CreatedWebhook' });

export const WebhookListSchema = z
  .object({ items: z.array(WebhookEndpointSchema) })
  .meta({ id: 'WebhookList' });

export const WebhookDeliverySchema = z
  .object({
    id: z.uuid(),
    eventId: z.string(),
    event: z.enum(WEBHOOK_EVENTS),
    status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']),
    attempts: z.int(),
    createdAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime().nullable(),
    log: z.array(
      z.object({
        attempt: z.int(),
        statusCode: z.int().nullable(),
        durationMs: z.int(),
        error: z.string().nullable(),
        createdAt: z.iso.datetime(),
      }),
    ),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookDeliveryListSchema = z
  .object({ items: z.array(WebhookDeliverySchema) })
  .meta({ id: 'WebhookDeliveryList' });
export type WebhookDeliveryList = z.infer<typeof WebhookDeliveryListSchema>;

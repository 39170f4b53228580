import type { z } from 'zod';
import type { RestOperation } from './rest-operations';
import {
  CreatedWebhookSchema,
  CreateWebhookBodySchema,
  WebhookDeliveryListSchema,
  WebhookListSchema,
} from './webhook.schemas';

type JsonObject = Record<string, unknown>;
type Helpers = {
  ref: (schema: z.ZodType) => JsonObject;
  ok: (schema: z.ZodType, description: string) => JsonObject;
  errorResponse: (description: string) => JsonObject;
  pathParam: (name: string, description: string) => JsonObject;
};

export const WEBHOOK_COMPONENTS = [
  CreateWebhookBodySchema,
  CreatedWebhookSchema,
  WebhookListSchema,
  WebhookDeliveryListSchema,
];

/** The webhook-management operations of the OpenAPI document (scope webhooks:manage). */
export function webhookOperation(
  op: RestOperation,
  base: JsonObject,
  common: JsonObject,
  h: Helpers,
): JsonObject {
  const notFound = { '404': h.errorResponse('Not found.') };
  const tagged = { ...base, tags: ['webhooks'] };
  switch (op.operationId) {
    case 'createWebhook':
      return {
        ...tagged,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: h.ref(CreateWebhookBodySchema) } },
        },
        responses: {
          '201': h.ok(CreatedWebhookSchema, 'Registered; keep the secret to verify Fjord-Signature.'),
          '400': h.errorResponse('Invalid body, or a URL that resolves to a private/loopback address.'),
          ...common,
        },
      };
    case 'listWebhooks':
      return { ...tagged, responses: { '200': h.ok(WebhookListSchema, 'Your endpoints.'), ...common } };
    case 'deleteWebhook':
      return {
        ...tagged,
        parameters: [h.pathParam('id', 'Endpoint id.')],
        responses: { '204': { description: 'Removed with its delivery log.' }, ...notFound, ...common },
      };
    case 'listWebhookDeliveries':
      return {
        ...tagged,
        parameters: [h.pathParam('id', 'Endpoint id.')],
        responses: {
          '200': h.ok(WebhookDeliveryListSchema, 'Newest first, each with its attempts.'),
          ...notFound,
          ...common,
        },
      };
    default:
      return {
        ...tagged,
        parameters: [h.pathParam('id', 'Delivery id.')],
        responses: { '202': { description: 'Queued for a new round of attempts.' }, ...notFound, ...common },
      };
  }
}

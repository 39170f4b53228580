import { errorResponse, ok, pathParam, ref, type JsonObject } from './openapi-parts';
import type { RestOperation } from './rest-operations';
import {
  CreatedWebhookSchema,
  CreateWebhookBodySchema,
  WebhookDeliveryListSchema,
  WebhookListSchema,
} from './webhook.schemas';

export const WEBHOOK_COMPONENTS = [
  CreateWebhookBodySchema,
  CreatedWebhookSchema,
  WebhookListSchema,
  WebhookDeliveryListSchema,
];

/** The webhook-management operations of the OpenAPI document (scope webhooks:manage). */
export function webhookOperation(op: RestOperation, base: JsonObject, common: JsonObject): JsonObject {
  const notFound = { '404': errorResponse('Not found.') };
  const tagged = { ...base, tags: ['webhooks'] };
  switch (op.operationId) {
    case 'createWebhook':
      return {
        ...tagged,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref(CreateWebhookBodySchema) } },
        },
        responses: {
          '201': ok(CreatedWebhookSchema, 'Registered; keep the secret to verify Fjord-Signature.'),
          '400': errorResponse('Invalid body, or a URL that resolves to a private/loopback address.'),
          '413': errorResponse('A body over 16 KB (`too_large`); it is not read past that.'),
          ...common,
        },
      };
    case 'listWebhooks':
      return { ...tagged, responses: { '200': ok(WebhookListSchema, 'Your endpoints.'), ...common } };
    case 'deleteWebhook':
      return {
        ...tagged,
        parameters: [pathParam('id', 'Endpoint id.')],
        responses: { '204': { description: 'Removed with its delivery log.' }, ...notFound, ...common },
      };
    case 'listWebhookDeliveries':
      return {
        ...tagged,
        parameters: [pathParam('id', 'Endpoint id.')],
        responses: {
          '200': ok(WebhookDeliveryListSchema, 'Newest first, each with its attempts.'),
          ...notFound,
          ...common,
        },
      };
    default:
      return {
        ...tagged,
        parameters: [pathParam('id', 'Delivery id.')],
        responses: { '202': { description: 'Queued for a new round of attempts.' }, ...notFound, ...common },
      };
  }
}

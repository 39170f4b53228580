import { z } from 'zod';
import { ErrorResponseSchema } from './rest.schemas';

/** The building blocks every part of the OpenAPI document (REST, webhooks, tus, files) shares. */
export type JsonObject = Record<string, unknown>;

export const ref = (schema: z.ZodType) => ({
  $ref: `#/components/schemas/${z.globalRegistry.get(schema)?.id}`,
});

/** Fjord's one error shape, `{ error: { code, message } }`; `content` adds other bodies (tus' plain text). */
export const errorResponse = (description: string, content: JsonObject = {}) => ({
  description,
  content: { 'application/json': { schema: ref(ErrorResponseSchema) }, ...content },
});

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: 'Requests allowed per window.', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the window.', schema: { type: 'integer' } },
  'RateLimit-Reset': {
    description: 'Seconds until a request is allowed again.',
    schema: { type: 'integer' },
  },
};

/** A REST v1 success: the body's schema, with the rate-limit headers every API-key response carries. */
export const ok = (schema: z.ZodType, description: string) => ({
  description,
  headers: RATE_LIMIT_HEADERS,
  content: { 'application/json': { schema: ref(schema) } },
});

export const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

/** A body of bytes in the file's own media type (downloads, stream segments). */
export const BYTES_CONTENT = {
  '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
};

import { SESSION_COOKIE_NAME } from '@fjord/auth';
import { WEBHOOK_EVENTS, WebhookEventPayloadSchema } from '@fjord/queue';
import { z } from 'zod';
import {
  ErrorResponseSchema,
  MediaCreatedSchema,
  MediaListQuerySchema,
  MediaListSchema,
  MediaUploadBodySchema,
  RenditionListSchema,
  RestMediaSchema,
} from './rest.schemas';
import { HealthSchema } from './health.schemas';
import { exportPaths } from './openapi-export';
import { ImageUrlQuerySchema, ImageUrlSchema } from './image-url.schemas';
import { imagePaths } from './openapi-images';
import { CAPTION_COMPONENTS, captionOperation } from './openapi-captions';
import { filesPaths } from './openapi-files';
import { streamPaths } from './openapi-stream';
import { healthPaths } from './openapi-health';
import { errorResponse, ok, pathParam, ref, type JsonObject } from './openapi-parts';
import { tusPaths } from './openapi-tus';
import { STREAM_UPLOAD_HEADERS, uploadsPaths } from './openapi-uploads';
import { webhookOperation, WEBHOOK_COMPONENTS } from './openapi-webhooks';
import { REST_OPERATIONS, type RestOperation } from './rest-operations';

const COMPONENTS = [
  ErrorResponseSchema,
  MediaCreatedSchema,
  MediaListSchema,
  RestMediaSchema,
  RenditionListSchema,
  MediaUploadBodySchema,
  ...WEBHOOK_COMPONENTS,
  ...CAPTION_COMPONENTS,
  WebhookEventPayloadSchema,
  HealthSchema,
  ImageUrlSchema,
];

function componentSchemas(): Record<string, JsonObject> {
  const all = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas as Record<string, JsonObject>;
  const wanted = new Set(['Rendition', 'SignedRendition', 'WebhookEndpoint', 'WebhookDelivery', 'Streams']);
  for (const s of COMPONENTS) wanted.add(String(z.globalRegistry.get(s)?.id));
  return Object.fromEntries(
    [...wanted].map((id) => {
      const { $schema: _s, $id: _i, ...rest } = all[id] ?? {};
      return [id, rest];
    }),
  );
}

function queryParameters(schema: z.ZodObject): JsonObject[] {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    reused: 'inline',
  }) as JsonObject;
  const defs = (json.$defs ?? {}) as Record<string, JsonObject>;
  const root = (json.$ref ? defs[String(json.$ref).split('/').pop() ?? ''] : json) ?? {};
  const props = (root.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((root.required ?? []) as string[]);
  return Object.entries(props).map(([name, propSchema]) => {
    const { description, ...schemaOnly } = propSchema;
    return { name, in: 'query', required: required.has(name), description, schema: schemaOnly };
  });
}

const STORAGE_FULL_DESCRIPTION =
  'Insufficient Storage (`storage_full`): the server has no room left for the file. Nothing was stored, no media was created; retry later.';

function operationObject(op: RestOperation): JsonObject {
  const common = {
    '401': errorResponse('Missing, unknown or revoked API key.'),
    '403': errorResponse('The key lacks the scope this operation needs.'),
    '429': errorResponse('Rate limit exceeded; see Retry-After.'),
    '503': errorResponse(
      'Service Unavailable (`unavailable`): Postgres, Redis or object storage is unreachable right now. Nothing was done; retry after Retry-After seconds.',
    ),
  };
  const base = {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.path.startsWith('/api/v1/webhooks') ? 'webhooks' : 'media'],
    security: [{ apiKey: [] }],
    'x-fjord-scope': op.scope,
  };
  switch (op.operationId) {
    case 'createMedia':
      return {
        ...base,
        parameters: STREAM_UPLOAD_HEADERS,
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': { schema: ref(MediaUploadBodySchema) },
            'application/octet-stream': {
              schema: { type: 'string', contentMediaType: 'application/octet-stream' },
            },
          },
        },
        responses: {
          '202': ok(MediaCreatedSchema, 'Stored and queued; poll the media or wait for a webhook.'),
          '400': errorResponse(
            'Not a multipart body, no "file" field, not a supported image or video, a Content-Digest that does not match the bytes (`digest_mismatch`: nothing was kept, send it again), or an Idempotency-Key on a stream without a Content-Digest.',
          ),
          '413': errorResponse(
            'Larger than UPLOAD_MAX_BYTES (multipart) or VIDEO_UPLOAD_MAX_BYTES (streamed videos).',
          ),
          '507': errorResponse(STORAGE_FULL_DESCRIPTION),
          ...common,
        },
      };
    case 'listMedia':
      return {
        ...base,
        parameters: queryParameters(MediaListQuerySchema),
        responses: {
          '200': ok(MediaListSchema, 'Newest first.'),
          '400': errorResponse('Unknown or invalid query parameter.'),
          ...common,
        },
      };
    case 'getMedia':
      return {
        ...base,
        parameters: [pathParam('id', 'Media id (uuid).')],
        responses: {
          '200': ok(RestMediaSchema, 'The media.'),
          '404': errorResponse('Not found.'),
          ...common,
        },
      };
    case 'deleteMedia':
      return {
        ...base,
        parameters: [pathParam('id', 'Media id (uuid).')],
        responses: {
          '204': { description: 'Deleted; processing in flight is stopped and every file removed.' },
          '404': errorResponse('Not found.'),
          ...common,
        },
      };
    case 'reprocessMedia':
      return {
        ...base,
        parameters: [pathParam('id', 'Media id (uuid).')],
        responses: {
          '202': ok(
            MediaCreatedSchema,
            'Queued again (images and videos); the current renditions stay until the new set is committed.',
          ),
          '404': errorResponse('Not found, or not yours.'),
          '409': errorResponse(
            'Its processing is still running (or a request with this Idempotency-Key is in progress).',
          ),
          ...common,
        },
      };
    case 'listRenditions':
      return {
        ...base,
        parameters: [pathParam('id', 'Media id (uuid).')],
        responses: {
          '200': ok(RenditionListSchema, 'Renditions with signed, expiring download URLs.'),
          '404': errorResponse('Not found.'),
          ...common,
        },
      };
    case 'getImageUrl':
      return {
        ...base,
        parameters: [pathParam('id', 'Media id (uuid).'), ...queryParameters(ImageUrlQuerySchema)],
        responses: {
          '200': ok(
            ImageUrlSchema,
            'A URL anyone may GET until expiresAt; see /img/{signature}/{options}/{mediaId}.',
          ),
          '400': errorResponse(
            'An unknown or out-of-range option, a combination that is not allowed (fit=cover without both sides, gravity without fit=cover), an output past the size limits, or an unknown preset.',
          ),
          '404': errorResponse('Not found, or not yours.'),
          '409': errorResponse('Not an image, or not READY yet.'),
          ...common,
        },
      };
    case 'listCaptions':
    case 'uploadCaption':
    case 'deleteCaption':
      return captionOperation(op, base, common, STORAGE_FULL_DESCRIPTION);
    default:
      return webhookOperation(op, base, common);
  }
}

const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any unique string (a UUID): the first response is stored for 24 h and replayed (`Idempotency-Replayed: true`) to a repeat with the same key, per API key and per route (method + path). The same key with a different body is refused (422); a repeat while the first still runs gets 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

/** Every POST honours Idempotency-Key: the header and its two refusals are declared on each. */
function withIdempotencyKey(op: RestOperation, operation: JsonObject): JsonObject {
  if (op.method !== 'POST') return operation;
  const responses = operation.responses as Record<string, JsonObject>;
  return {
    ...operation,
    parameters: [...((operation.parameters as JsonObject[] | undefined) ?? []), IDEMPOTENCY_KEY_PARAMETER],
    responses: {
      ...responses,
      '409':
        responses['409'] ??
        errorResponse('A request with this Idempotency-Key is still in progress; retry in a moment.'),
      '422': errorResponse('This Idempotency-Key was already used with a different request.'),
    },
  };
}

const EVENT_SUMMARIES: Record<(typeof WEBHOOK_EVENTS)[number], string> = {
  'media.ready': 'A media finished processing: its renditions are ready to download.',
  'media.failed': 'A media could not be processed; `data.error` says why.',
  'media.deleted': 'A media was deleted (web app, API or admin console); `data` is its last state.',
};

/** An example delivery body per event (validated against the payload schema in a test). */
export function webhookEventExample(event: (typeof WEBHOOK_EVENTS)[number]) {
  const mediaId = '5b0f3c5e-8d1a-4c1e-9f5e-2a7d3c9b1e42';
  const status = event === 'media.failed' ? 'FAILED' : 'READY';
  return WebhookEventPayloadSchema.parse({
    id: `${event}.${mediaId}`,
    type: event,
    createdAt: '2026-11-23T12:00:00.000Z',
    data: {
      id: mediaId,
      kind: 'VIDEO',
      status,
      error: event === 'media.failed' ? 'The video file is corrupt or truncated' : null,
    },
  });
}

const deliveryHeader = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
});

/** The `webhooks` section: one signed POST per event to each subscribed endpoint. */
function webhookEvents(): JsonObject {
  return Object.fromEntries(
    WEBHOOK_EVENTS.map((event) => [
      event,
      {
        post: {
          operationId: `webhook-${event}`,
          summary: `${event}, POSTed to your endpoint`,
          description: EVENT_SUMMARIES[event],
          parameters: [
            deliveryHeader(
              'Fjord-Signature',
              't=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>; check it (verifyWebhookSignature in @fjord/sdk) and reject old timestamps.',
            ),
            deliveryHeader('Fjord-Event', `The event type, \`${event}\`.`),
            deliveryHeader(
              'Fjord-Event-Id',
              'Stable per event (= body `id`): ignore a repeat you have seen.',
            ),
            deliveryHeader(
              'Fjord-Delivery-Id',
              'This delivery; the same across its retries and redeliveries.',
            ),
          ],
          requestBody: {
            content: {
              'application/json': {
                schema: ref(WebhookEventPayloadSchema),
                example: webhookEventExample(event),
              },
            },
          },
          responses: {
            '2XX': { description: 'Received; anything else is retried with backoff for ~24 h.' },
          },
        },
      },
    ]),
  );
}

/** The OpenAPI 3.1 document of REST v1, built from the handlers' own zod schemas. */
export function buildOpenApiDocument(opts: { serverUrl: string; version?: string }): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const op of REST_OPERATIONS) {
    const item = (paths[op.path.replace(/:(\w+)/g, '{$1}')] ??= {});
    item[op.method.toLowerCase()] = withIdempotencyKey(op, operationObject(op));
  }
  Object.assign(
    paths,
    tusPaths(),
    filesPaths(),
    exportPaths(),
    imagePaths(),
    streamPaths(),
    uploadsPaths(STORAGE_FULL_DESCRIPTION),
    healthPaths(),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fjord API',
      version: opts.version ?? '1.0.0',
      description:
        'Upload media, follow its processing and download renditions. Errors are JSON `{ error: { code, message } }`.',
    },
    servers: [{ url: opts.serverUrl }],
    paths,
    webhooks: webhookEvents(),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: "Authorization: Bearer fjk_…".' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE_NAME,
          description: 'The web app’s sign-in; only from a page of this origin (CSRF: Origin is checked).',
        },
      },
    },
  };
}

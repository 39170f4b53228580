import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { WebhookEventPayloadSchema } from '@fjord/queue';
import { buildOpenApiDocument } from './openapi.document';
import { REST_OPERATIONS } from './rest-operations';

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument({ serverUrl: 'http://localhost:3000' });

  it('is a valid OpenAPI 3.1 document with every reference resolvable', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect((await new Validator().validate({ openapi: '3.1.0', paths: {} })).valid).toBe(false);
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    for (const r of refs) expect(schemas).toHaveProperty(r.slice(22, -1));
  });

  it('documents every operation of the route table with its scope', () => {
    const paths = doc.paths as Record<
      string,
      Record<string, { operationId: string; 'x-fjord-scope': string }>
    >;
    for (const op of REST_OPERATIONS) {
      const entry = paths[op.path.replace(/:(\w+)/g, '{$1}')]?.[op.method.toLowerCase()];
      expect(entry?.operationId).toBe(op.operationId);
      expect(entry?.['x-fjord-scope']).toBe(op.scope);
    }
  });

  it('declares Idempotency-Key, with its 409 and 422, on every POST', () => {
    const paths = doc.paths as Record<
      string,
      Record<string, { parameters?: { name: string; in: string }[]; responses: object }>
    >;
    const posts = REST_OPERATIONS.filter((op) => op.method === 'POST');
    expect(posts.map((op) => op.operationId)).toEqual([
      'createMedia',
      'reprocessMedia',
      'uploadCaption',
      'createWebhook',
      'redeliverWebhook',
    ]);
    for (const op of posts) {
      const entry = paths[op.path.replace(/:(\w+)/g, '{$1}')]?.post;
      expect(entry?.parameters).toContainEqual(
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
      );
      expect(Object.keys(entry?.responses ?? {})).toEqual(expect.arrayContaining(['409', '422']));
    }
  });

  it('documents the resumable (tus) upload: create, offset, append with the media id, cancel', () => {
    const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
    const create = paths['/api/tus']?.post as {
      parameters: { name: string }[];
      responses: Record<string, { headers?: object }>;
    };
    expect(create.parameters.map((x) => x.name)).toEqual([
      'Tus-Resumable',
      'Upload-Length',
      'Upload-Metadata',
    ]);
    expect(Object.keys(create.responses['201']?.headers ?? {})).toContain('Location');
    expect(Object.keys(create.responses)).toContain('413');
    const item = paths['/api/tus/{uploadId}']!;
    expect(Object.keys(item)).toEqual(['head', 'patch', 'delete']);
    const patch = item.patch as {
      requestBody: { content: object };
      responses: Record<string, { headers?: object }>;
    };
    expect(Object.keys(patch.requestBody.content)).toEqual(['application/offset+octet-stream']);
    expect(Object.keys(patch.responses['204']?.headers ?? {})).toEqual(['Upload-Offset', 'Upload-Media-Id']);
    expect(
      Object.keys(
        (item.head as { responses: Record<string, { headers: object }> }).responses['200']!.headers,
      ),
    ).toContain('Upload-Offset');
  });

  it('documents 507 storage_full on every path an upload can take', () => {
    const paths = doc.paths as Record<
      string,
      Record<string, { responses: Record<string, { description: string }> }>
    >;
    for (const [path, method] of [
      ['/api/v1/media', 'post'],
      ['/api/uploads', 'post'],
      ['/api/tus', 'post'],
      ['/api/tus/{uploadId}', 'patch'],
    ] as const) {
      expect(paths[path]?.[method]?.responses['507']?.description, `${method} ${path}`).toContain(
        '`storage_full`',
      );
    }
  });

  it('documents the health probes as public, and /api/uploads as taking a session or a key', () => {
    const paths = doc.paths as Record<string, Record<string, { security: object[] }>>;
    expect(paths['/api/health/live']?.get?.security).toEqual([]);
    expect(paths['/api/health/ready']?.get?.security).toEqual([]);
    expect(paths['/api/uploads']?.post?.security).toEqual([{ session: [] }, { apiKey: [] }]);
  });

  it('documents each webhook event with its signed payload', () => {
    expect(Object.keys(doc.webhooks as object)).toEqual(['media.ready', 'media.failed', 'media.deleted']);
    const schemas = (doc.components as { schemas: Record<string, { properties?: object }> }).schemas;
    expect(Object.keys(schemas.WebhookEventPayload?.properties ?? {})).toEqual([
      'id',
      'type',
      'createdAt',
      'data',
    ]);
    type Post = {
      parameters: { name: string }[];
      requestBody: { content: Record<string, { example: unknown }> };
    };
    for (const [event, item] of Object.entries(doc.webhooks as Record<string, { post: Post }>)) {
      expect(item.post.parameters.map((x) => x.name)).toContain('Fjord-Signature');
      const example = item.post.requestBody.content['application/json']?.example;
      expect(WebhookEventPayloadSchema.parse(example)).toMatchObject({ type: event });
    }
  });

  it('derives the list filters from the zod query schema', () => {
    const list = (doc.paths as Record<string, Record<string, { parameters: { name: string }[] }>>)[
      '/api/v1/media'
    ]?.get;
    expect(list?.parameters.map((p) => p.name)).toEqual([
      'cursor',
      'limit',
      'status',
      'kind',
      'createdFrom',
      'createdTo',
    ]);
  });
});

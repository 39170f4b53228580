import { describe, expect, it } from 'vitest';
import { createOpenApiContract } from './openapi-contract';

const contract = createOpenApiContract();
const ID = '5b0f3c5e-8d1a-4c1e-9f5e-2a7d3c9b1e42';
const created = {
  id: ID,
  kind: 'IMAGE',
  status: 'QUEUED',
  links: { self: `http://localhost/api/v1/media/${ID}`, files: `http://localhost/files/${ID}` },
};
const check = (method: string, path: string, response: Response) =>
  contract.assertResponseMatches({ method, url: `http://localhost${path}`, response });

describe('createOpenApiContract', () => {
  it('accepts a response the document promises, and leaves its body readable', async () => {
    const response = Response.json(created, { status: 202 });
    await expect(check('POST', '/api/v1/media', response)).resolves.toBeUndefined();
    expect(await response.json()).toEqual(created);
    await expect(
      check('DELETE', `/api/v1/media/${ID}`, new Response(null, { status: 204 })),
    ).resolves.toBeUndefined();
    await expect(
      check(
        'GET',
        `/api/v1/media/${ID}`,
        Response.json({ error: { code: 'not_found', message: 'gone' } }, { status: 404 }),
      ),
    ).resolves.toBeUndefined();
  });

  it('fails on a body that violates the declared schema', async () => {
    // The drift this exists for: the streamed upload once answered links.self only.
    const { files: _files, ...links } = created.links;
    await expect(
      check('POST', '/api/v1/media', Response.json({ ...created, links }, { status: 202 })),
    ).rejects.toThrow(
      /POST \/api\/v1\/media → 202 body violates its schema: \/links must have required property 'files'/,
    );
    await expect(
      check('POST', '/api/v1/media', Response.json({ ...created, surprise: 1 }, { status: 202 })),
    ).rejects.toThrow(/must NOT have additional properties/);
    await expect(
      check('POST', '/api/v1/media', Response.json({ ...created, id: 'not-a-uuid' }, { status: 202 })),
    ).rejects.toThrow(/\/id must match format "uuid"/);
    await expect(
      check('GET', `/api/v1/media/${ID}`, Response.json({ error: 'nope' }, { status: 404 })),
    ).rejects.toThrow(/\/error must be object/);
  });

  it('fails on a status the operation does not declare', async () => {
    await expect(
      check(
        'GET',
        `/api/v1/media/${ID}`,
        Response.json({ error: { code: 'internal', message: 'x' } }, { status: 500 }),
      ),
    ).rejects.toThrow(/GET \/api\/v1\/media\/\{id\} → 500 is not a declared status/);
    await expect(check('POST', '/api/v1/media', Response.json(created, { status: 200 }))).rejects.toThrow(
      /→ 200 is not a declared status/,
    );
  });

  it('fails on an unknown route, an undeclared body and an undeclared media type', async () => {
    await expect(check('GET', '/api/v1/nothing', new Response(null, { status: 404 }))).rejects.toThrow(
      /no path in the document matches/,
    );
    await expect(check('PUT', `/api/v1/media/${ID}`, new Response(null, { status: 204 }))).rejects.toThrow(
      /PUT \/api\/v1\/media\/\{id\} is not in the document/,
    );
    const bodiless = createOpenApiContract({ paths: { '/ping': { post: { responses: { '200': {} } } } } });
    await expect(
      bodiless.assertResponseMatches({ method: 'POST', url: '/ping', response: Response.json({ ok: 1 }) }),
    ).rejects.toThrow(/POST \/ping → 200 declares no body but one was sent/);
    await expect(
      check(
        'GET',
        `/api/v1/media/${ID}`,
        new Response('<html>', { status: 404, headers: { 'content-type': 'text/html' } }),
      ),
    ).rejects.toThrow(/answered text\/html; declared: application\/json/);
  });

  it('picks the most specific path template', () => {
    expect(
      contract.findOperation('POST', `/api/v1/webhooks/deliveries/${ID}/redeliver`).operation.operationId,
    ).toBe('redeliverWebhook');
    expect(contract.findOperation('GET', `/api/v1/webhooks/${ID}/deliveries`).operation.operationId).toBe(
      'listWebhookDeliveries',
    );
  });
});

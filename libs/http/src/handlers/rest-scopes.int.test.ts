import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_OPERATIONS, type RestOperation } from '@fjord/api';
import { API_KEY_SCOPES } from '@fjord/auth';
import { createRestHandlers } from '../rest-handlers';
import { createWebHarness, multipart, TINY_PNG } from '../test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let rest: ReturnType<typeof createRestHandlers>;
const ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  h = await createWebHarness({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  rest = h.rest;
});
afterAll(async () => {
  await h?.close();
});

function call(op: RestOperation, headers: Record<string, string>): Promise<Response> {
  const url = `http://localhost:3000${op.path.replace(':id', ID).replace(':lang', 'en')}`;
  switch (op.operationId) {
    case 'createMedia':
      return rest.createMedia(
        new Request(url, { method: 'POST', body: multipart(TINY_PNG, 'a.png', 'image/png'), headers }),
      );
    case 'listMedia':
      return rest.listMedia(new Request(url, { headers }));
    case 'getMedia':
      return rest.getMedia(new Request(url, { headers }), ID);
    case 'deleteMedia':
      return rest.deleteMedia(new Request(url, { method: 'DELETE', headers }), ID);
    case 'reprocessMedia':
      return rest.reprocessMedia(new Request(url, { method: 'POST', headers }), ID);
    case 'listRenditions':
      return rest.listRenditions(new Request(url, { headers }), ID);
    case 'getImageUrl':
      return rest.imageUrl(new Request(url, { headers }), ID);
    case 'listCaptions':
      return rest.captions.listCaptions(new Request(url, { headers }), ID);
    case 'uploadCaption':
      return rest.captions.uploadCaption(
        new Request(`${url}?lang=en&label=English`, {
          method: 'POST',
          body: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n',
          headers: { ...headers, 'content-type': 'text/vtt' },
        }),
        ID,
      );
    case 'deleteCaption':
      return rest.captions.deleteCaption(new Request(url, { method: 'DELETE', headers }), ID, 'en');
    case 'createWebhook':
      return rest.webhooks.createWebhook(
        new Request(url, {
          method: 'POST',
          body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['media.ready'] }),
          headers,
        }),
      );
    case 'listWebhooks':
      return rest.webhooks.listWebhooks(new Request(url, { headers }));
    case 'deleteWebhook':
      return rest.webhooks.deleteWebhook(new Request(url, { method: 'DELETE', headers }), ID);
    case 'listWebhookDeliveries':
      return rest.webhooks.listDeliveries(new Request(url, { headers }), ID);
    case 'redeliverWebhook':
      return rest.webhooks.redeliver(new Request(url, { method: 'POST', headers }), ID);
  }
}

describe.each(REST_OPERATIONS)('$method $path needs $scope', (op) => {
  it('refuses keys without the scope (403), passes keys with it, and refuses no key (401)', async () => {
    const others = API_KEY_SCOPES.filter((s) => s !== op.scope);
    const without = await h.createUserWithKey({ scopes: others });
    const refused = await call(op, without.auth);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(op.scope);

    const withScope = await h.createUserWithKey({ scopes: [op.scope] });
    expect([200, 201, 202, 404]).toContain((await call(op, withScope.auth)).status);
    expect((await call(op, {})).status).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatedWebhookSchema, WebhookListSchema } from '@fjord/api';
import { createRestHandlers } from '../rest-handlers';
import { createWebHarness } from '../test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let rest: ReturnType<typeof createRestHandlers>;
const URL_BASE = 'http://localhost:3000/api/v1/webhooks';

beforeAll(async () => {
  h = await createWebHarness();
  rest = h.rest;
});
afterAll(async () => {
  await h?.close();
});

const create = (body: unknown, headers: Record<string, string>) =>
  rest.webhooks.createWebhook(new Request(URL_BASE, { method: 'POST', body: JSON.stringify(body), headers }));

describe('/api/v1/webhooks', () => {
  it('registers a public endpoint with a secret shown once, lists it without it, and deletes it', async () => {
    const { auth } = await h.createUserWithKey({ scopes: ['webhooks:manage'] });
    const res = await create(
      { url: 'https://93.184.216.34/hook', events: ['media.ready', 'media.failed'] },
      auth,
    );
    expect(res.status).toBe(201);
    const created = CreatedWebhookSchema.parse(await res.json());
    expect(created.secret).toMatch(/^whsec_/);

    const listed = WebhookListSchema.parse(
      await (await rest.webhooks.listWebhooks(new Request(URL_BASE, { headers: auth }))).json(),
    );
    expect(listed.items).toEqual([
      expect.objectContaining({ id: created.id, events: ['media.ready', 'media.failed'] }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const other = await h.createUserWithKey({ scopes: ['webhooks:manage'] });
    const del = (headers: Record<string, string>) =>
      rest.webhooks.deleteWebhook(
        new Request(`${URL_BASE}/${created.id}`, { method: 'DELETE', headers }),
        created.id,
      );
    expect((await del(other.auth)).status).toBe(404);
    expect((await del(auth)).status).toBe(204);
  });

  it('refuses SSRF targets, unknown events and unknown fields', async () => {
    const { auth } = await h.createUserWithKey({ scopes: ['webhooks:manage'] });
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://169.254.169.254/latest',
      'http://[::1]/',
      'http://localhost/x',
    ]) {
      const res = await create({ url, events: ['media.ready'] }, auth);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /private, loopback|resolve/,
      );
    }
    expect((await create({ url: 'https://93.184.216.34/', events: ['media.exploded'] }, auth)).status).toBe(
      400,
    );
    expect(
      (await create({ url: 'https://93.184.216.34/', events: ['media.ready'], extra: 1 }, auth)).status,
    ).toBe(400);
  });

  it('refuses a body over 16 KB with 413 without reading it to the end', async () => {
    const { auth } = await h.createUserWithKey({ scopes: ['webhooks:manage'] });
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded so a reader that never stops fails the test instead of hanging it.
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const res = await rest.webhooks.createWebhook(
      new Request(URL_BASE, {
        method: 'POST',
        body: endless,
        headers: { ...auth, 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_large');
    expect(sent).toBeLessThan(1024 * 1024);
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaJobId } from '@fjord/queue';
import { createRestHandlers } from '../rest-handlers';
import { createWebHarness, multipart, TINY_PNG } from '../test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let rest: ReturnType<typeof createRestHandlers>;

beforeAll(async () => {
  h = await createWebHarness();
  rest = h.rest;
});
afterAll(async () => {
  await h?.close();
});

const OTHER_PNG = Buffer.concat([TINY_PNG, Buffer.from([0])]);
const post = (bytes: Buffer, headers: Record<string, string>) =>
  rest.createMedia(
    new Request('http://localhost:3000/api/v1/media', {
      method: 'POST',
      body: multipart(bytes, 'dot.png', 'image/png'),
      headers,
    }),
  );
const mediaCount = (ownerId: string) => h.db.media.count({ where: { ownerId } });

describe('Idempotency-Key on POST /api/v1/media', () => {
  it('replays the first response for the same key and body, and creates one media', async () => {
    const { user, auth } = await h.createUserWithKey();
    const headers = { ...auth, 'idempotency-key': 'upload-1' };
    const first = await post(TINY_PNG, headers);
    expect(first.status).toBe(202);
    const firstBody = await first.text();
    const again = await post(TINY_PNG, headers);
    expect(again.status).toBe(202);
    expect(await again.text()).toBe(firstBody);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await mediaCount(user.id)).toBe(1);

    // Without a key, or with another one, it is a new upload.
    expect((await post(TINY_PNG, auth)).status).toBe(202);
    expect((await post(TINY_PNG, { ...auth, 'idempotency-key': 'upload-2' })).status).toBe(202);
    expect(await mediaCount(user.id)).toBe(3);
  });

  it('refuses the same key with a different body (422) and keeps keys apart per API key', async () => {
    const a = await h.createUserWithKey();
    const b = await h.createUserWithKey();
    expect((await post(TINY_PNG, { ...a.auth, 'idempotency-key': 'k' })).status).toBe(202);
    const conflict = await post(OTHER_PNG, { ...a.auth, 'idempotency-key': 'k' });
    expect(conflict.status).toBe(422);
    expect(await conflict.json()).toEqual({
      error: { code: 'unprocessable', message: expect.stringMatching(/different request/) },
    });
    expect((await post(OTHER_PNG, { ...b.auth, 'idempotency-key': 'k' })).status).toBe(202);
    expect(await mediaCount(b.user.id)).toBe(1);
  });

  it('lets exactly one of concurrent duplicates run; the others get 409 or the replay', async () => {
    const { user, auth } = await h.createUserWithKey();
    const headers = { ...auth, 'idempotency-key': 'burst' };
    const results = await Promise.all(Array.from({ length: 5 }, () => post(TINY_PNG, headers)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
    const ids = new Set(
      await Promise.all(
        results.filter((r) => r.status === 202).map(async (r) => ((await r.json()) as { id: string }).id),
      ),
    );
    expect(ids.size).toBe(1);
    expect(await mediaCount(user.id)).toBe(1);
  });

  it('stores client errors too, and frees a key once its 24 h are over', async () => {
    const { user, auth } = await h.createUserWithKey();
    const headers = { ...auth, 'idempotency-key': 'text' };
    const text = Buffer.from('not an image at all\n');
    const first = await post(text, headers);
    expect(first.status).toBe(400);
    const replay = await post(text, headers);
    expect(replay.status).toBe(400);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');

    await h.db.idempotencyKey.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const fresh = await post(TINY_PNG, headers);
    expect(fresh.status).toBe(202);
    expect(fresh.headers.get('idempotency-replayed')).toBeNull();
    expect(await mediaCount(user.id)).toBe(1);
    expect((await post(TINY_PNG, { ...auth, 'idempotency-key': 'bad key\n' })).status).toBe(400);
  });
});

describe('Idempotency-Key on the other POSTs', () => {
  const BASE = 'http://localhost:3000/api/v1';
  const createWebhook = (body: string, headers: Record<string, string>) =>
    rest.webhooks.createWebhook(
      new Request(`${BASE}/webhooks`, {
        method: 'POST',
        body,
        headers: { ...headers, 'content-type': 'application/json' },
      }),
    );
  const reprocess = (id: string, headers: Record<string, string>) =>
    rest.reprocessMedia(new Request(`${BASE}/media/${id}/reprocess`, { method: 'POST', headers }), id);

  it('webhooks: a replay answers the first 201 with its secret (stored sealed, not in the key row); another body is 422', async () => {
    const { user, auth } = await h.createUserWithKey({ scopes: ['webhooks:manage'] });
    const headers = { ...auth, 'idempotency-key': 'hook-1' };
    const body = { url: 'https://93.184.216.34/hook', events: ['media.ready'] };
    const first = await createWebhook(JSON.stringify(body), headers);
    expect(first.status).toBe(201);
    const firstText = await first.text();
    const { secret } = JSON.parse(firstText) as { secret: string };
    // Same meaning, other key order and whitespace: the same request.
    const again = await createWebhook(`{ "events": ["media.ready"],  "url": "${body.url}" }`, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(await again.text()).toBe(firstText);
    expect(await h.db.webhookEndpoint.count({ where: { userId: user.id } })).toBe(1);
    const stored = await h.db.idempotencyKey.findMany({ select: { responseBody: true, route: true } });
    expect(stored.find((r) => r.route === 'POST /api/v1/webhooks')?.responseBody).not.toContain(secret);

    const other = await createWebhook(JSON.stringify({ ...body, events: ['media.failed'] }), headers);
    expect(other.status).toBe(422);
    expect(await h.db.webhookEndpoint.count({ where: { userId: user.id } })).toBe(1);
  });

  it('reprocess: a replay answers the first 202 without queueing again; the key is scoped per route', async () => {
    const { auth } = await h.createUserWithKey();
    const upload = async () => ((await (await post(TINY_PNG, auth)).json()) as { id: string }).id;
    const [a, b] = [await upload(), await upload()];
    for (const id of [a, b]) {
      // Their flows "finished" (no workers run here).
      await h.db.media.update({ where: { id }, data: { status: 'READY', finishedAt: new Date() } });
      await h.services.admin.queueAdmin.removeJob(mediaJobId(id, 'notify'));
    }
    const headers = { ...auth, 'idempotency-key': 'again-1' };
    const first = await reprocess(a, headers);
    expect(first.status).toBe(202);
    // Without the key this would be 409 (the new flow is pending): the replay is the first answer.
    const replay = await reprocess(a, headers);
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(await replay.text()).toBe(await first.clone().text());
    expect((await reprocess(a, auth)).status).toBe(409);

    // The same key on another route (another media's reprocess, an upload) is another request.
    const onB = await reprocess(b, headers);
    expect(onB.status).toBe(202);
    expect(onB.headers.get('idempotency-replayed')).toBeNull();
    const upload2 = await post(TINY_PNG, headers);
    expect(upload2.status).toBe(202);
    expect(upload2.headers.get('idempotency-replayed')).toBeNull();
    // The body is part of the request: the same key with another body is refused.
    const withBody = await rest.reprocessMedia(
      new Request(`${BASE}/media/${a}/reprocess`, { method: 'POST', headers, body: '{"note":"x"}' }),
      a,
    );
    expect(withBody.status).toBe(422);
    expect(((await withBody.json()) as { error: { code: string } }).error.code).toBe('unprocessable');
  });
});

describe('streamed uploads (application/octet-stream): Content-Digest and Idempotency-Key', () => {
  const digestOf = (bytes: Buffer) => `sha-256=:${createHash('sha256').update(bytes).digest('base64')}:`;
  const stream = (bytes: Buffer, headers: Record<string, string>) =>
    rest.createMedia(
      new Request('http://localhost:3000/api/v1/media', {
        method: 'POST',
        body: new Uint8Array(bytes),
        headers: { 'content-type': 'application/octet-stream', 'x-filename': 'dot.png', ...headers },
      }),
    );

  it('replays a repeated streamed upload recognised by its digest, and refuses another file under the key', async () => {
    const { user, auth } = await h.createUserWithKey();
    const headers = { ...auth, 'idempotency-key': 'stream-1', 'content-digest': digestOf(TINY_PNG) };
    const first = await stream(TINY_PNG, headers);
    expect(first.status).toBe(202);
    const again = await stream(TINY_PNG, headers);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
    expect(await mediaCount(user.id)).toBe(1);

    const other = await stream(OTHER_PNG, { ...headers, 'content-digest': digestOf(OTHER_PNG) });
    expect(other.status).toBe(422);
    expect(await mediaCount(user.id)).toBe(1);
  });

  it('needs a Content-Digest to honour an Idempotency-Key on a stream', async () => {
    const { user, auth } = await h.createUserWithKey();
    const res = await stream(TINY_PNG, { ...auth, 'idempotency-key': 'stream-2' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'bad_request', message: expect.stringMatching(/needs a Content-Digest/) },
    });
    expect(await mediaCount(user.id)).toBe(0);
  });

  it('keeps nothing when the bytes do not match their digest, and leaves the key free for the retry', async () => {
    const { user, auth } = await h.createUserWithKey();
    const headers = { ...auth, 'idempotency-key': 'stream-3', 'content-digest': digestOf(TINY_PNG) };
    const damaged = await stream(OTHER_PNG, headers);
    expect(damaged.status).toBe(400);
    const body = (await damaged.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('digest_mismatch');
    expect(body.error.message).toMatch(/does not match its Content-Digest/);
    expect(await mediaCount(user.id)).toBe(0);

    const retry = await stream(TINY_PNG, headers);
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotency-replayed')).toBeNull();
    expect(await mediaCount(user.id)).toBe(1);
  });

  it('checks a Content-Digest without an Idempotency-Key too, and refuses an unusable one', async () => {
    const { user, auth } = await h.createUserWithKey();
    expect((await stream(OTHER_PNG, { ...auth, 'content-digest': digestOf(TINY_PNG) })).status).toBe(400);
    expect((await stream(TINY_PNG, { ...auth, 'content-digest': 'md5=:AAAA:' })).status).toBe(400);
    expect((await stream(TINY_PNG, { ...auth, 'content-digest': digestOf(TINY_PNG) })).status).toBe(202);
    expect(await mediaCount(user.id)).toBe(1);
  });
});

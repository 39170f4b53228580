import { createSession } from '@fjord/auth';
import { createTestUser } from '@fjord/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebHarness, multipart, TINY_PNG } from './test/web-test-harness';
import { handleTrpcRequest } from './trpc-handler';
import { TRPC_MAX_BATCH_CALLS, TRPC_MAX_BODY_BYTES } from './trpc-limits';

let h: Awaited<ReturnType<typeof createWebHarness>>;
const BASE = 'http://localhost:3000';
const SAME_ORIGIN = { origin: BASE, host: 'localhost:3000' };

beforeAll(async () => {
  h = await createWebHarness();
});
afterAll(async () => {
  await h?.close();
});

async function signedIn() {
  const user = await createTestUser(h.db);
  const cookie = `fjord_session=${(await createSession(h.db, { userId: user.id })).token}`;
  return { user, cookie };
}

function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  return handleTrpcRequest(
    new Request(`${BASE}/api/trpc/${path}`, {
      method: 'POST',
      headers: { host: 'localhost:3000', 'content-type': 'application/json', ...headers },
      body,
      duplex: 'half',
    } as RequestInit),
    h.services,
  );
}

/** A batch of `n` calls of `procedure` with the same input, as httpBatchLink sends it. */
function batchOf(procedure: string, n: number, input: unknown) {
  const path = Array.from({ length: n }, () => procedure).join(',');
  const body = JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, input])));
  return { path: `${path}?batch=1`, body };
}

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { message: string; data: { code: string; httpStatus: number } } }).error;

describe('tRPC over HTTP: limits', () => {
  it('refuses a JSON body over the limit with 413, by Content-Length and by counting a chunked body', async () => {
    const { cookie } = await signedIn();
    const big = JSON.stringify({ name: 'x'.repeat(TRPC_MAX_BODY_BYTES), scopes: ['media:read'] });
    const declared = await post('apiKeys.create', big, { ...SAME_ORIGIN, cookie });
    expect(declared.status).toBe(413);
    expect((await errorOf(declared)).data.code).toBe('PAYLOAD_TOO_LARGE');

    const bytes = new TextEncoder().encode(big);
    let sent = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(sent, (sent += 64 * 1024)));
      },
    });
    const counted = await post('apiKeys.create', chunked, { ...SAME_ORIGIN, cookie });
    expect(counted.status).toBe(413);
    // The reader stopped shortly past the limit instead of buffering the rest.
    expect(sent).toBeLessThan(TRPC_MAX_BODY_BYTES + 2 * 64 * 1024);
  });

  it('carries JSON only: multipart (the old image upload) is refused before any procedure runs', async () => {
    const { cookie } = await signedIn();
    const form = multipart(TINY_PNG, 'dot.png', 'image/png');
    const res = await handleTrpcRequest(
      new Request(`${BASE}/api/trpc/media.upload`, {
        method: 'POST',
        headers: { ...SAME_ORIGIN, cookie },
        body: form,
      }),
      h.services,
    );
    expect(res.status).toBe(415);
    expect(await h.db.media.count()).toBe(0);
    // And the procedure itself is gone.
    expect((await post('media.upload', '{}', { ...SAME_ORIGIN, cookie })).status).toBe(404);
  });

  it(`runs a batch of ${TRPC_MAX_BATCH_CALLS} calls and refuses one more with 400, running none of it`, async () => {
    const { user, cookie } = await signedIn();
    const input = { name: 'batch', scopes: ['media:read'] };
    const ok = batchOf('apiKeys.create', TRPC_MAX_BATCH_CALLS, input);
    const accepted = await post(ok.path, ok.body, { ...SAME_ORIGIN, cookie });
    expect(accepted.status).toBe(200);
    expect(await h.db.apiKey.count({ where: { userId: user.id } })).toBe(TRPC_MAX_BATCH_CALLS);

    const tooMany = batchOf('apiKeys.create', TRPC_MAX_BATCH_CALLS + 1, input);
    const refused = await post(tooMany.path, tooMany.body, { ...SAME_ORIGIN, cookie });
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).message).toMatch(/at most 10 calls/);
    expect(await h.db.apiKey.count({ where: { userId: user.id } })).toBe(TRPC_MAX_BATCH_CALLS);

    // Batched GETs (queries) are held to the same bound.
    const query = Array.from({ length: TRPC_MAX_BATCH_CALLS + 1 }, () => 'media.list').join(',');
    const get = await handleTrpcRequest(
      new Request(`${BASE}/api/trpc/${query}?batch=1&input=${encodeURIComponent('{}')}`, {
        headers: { cookie },
      }),
      h.services,
    );
    expect(get.status).toBe(400);
  });

  it('never batches auth: two sign-ins in one request are refused and neither runs (no session)', async () => {
    const user = await createTestUser(h.db);
    const credentials = { email: user.email, password: user.password };
    const sessions = () => h.db.session.count({ where: { userId: user.id } });

    const twice = batchOf('auth.signIn', 2, credentials);
    const refused = await post(twice.path, twice.body, SAME_ORIGIN);
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).message).toMatch(/cannot be batched/);
    const mixed = await post(
      'media.list,auth.signIn?batch=1',
      JSON.stringify({ 0: {}, 1: credentials }),
      SAME_ORIGIN,
    );
    expect(mixed.status).toBe(400);
    const hundreds = batchOf('auth.signIn', 1300, credentials);
    expect((await post(hundreds.path, hundreds.body, SAME_ORIGIN)).status).toBe(400);
    expect(await sessions()).toBe(0);

    // One sign-in on its own, batched or not, still works.
    const once = batchOf('auth.signIn', 1, credentials);
    expect((await post(once.path, once.body, SAME_ORIGIN)).status).toBe(200);
    expect((await post('auth.signIn', JSON.stringify(credentials), SAME_ORIGIN)).status).toBe(200);
    expect(await sessions()).toBe(2);
  });

  it('refuses a POST from another origin, or with cookies and no Origin, with 403; one from this origin runs', async () => {
    const { user, cookie } = await signedIn();
    const body = JSON.stringify({ name: 'csrf', scopes: ['media:read'] });
    const foreign = await post('apiKeys.create', body, { cookie, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const lookalike = await post('apiKeys.create', body, {
      cookie,
      origin: 'http://localhost:3000.evil.example',
    });
    expect(lookalike.status).toBe(403);
    const none = await post('apiKeys.create', body, { cookie });
    expect(none.status).toBe(403);
    // Without cookies there is no session to ride on; a foreign Origin is refused all the same.
    expect((await post('apiKeys.create', body, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await h.db.apiKey.count({ where: { userId: user.id } })).toBe(0);
    expect((await post('apiKeys.create', body, { ...SAME_ORIGIN, cookie })).status).toBe(200);
  });

  it('refuses a cookie POST whose foreign Origin is echoed in X-Forwarded-Host (no trusted proxy)', async () => {
    const { user, cookie } = await signedIn();
    const body = JSON.stringify({ name: 'csrf', scopes: ['media:read'] });
    const spoofed = await post('apiKeys.create', body, {
      cookie,
      origin: 'https://evil.example',
      'x-forwarded-host': 'evil.example',
    });
    expect(spoofed.status).toBe(403);
    expect(await h.db.apiKey.count({ where: { userId: user.id } })).toBe(0);
  });
});

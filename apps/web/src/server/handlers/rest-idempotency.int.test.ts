import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestHandlers } from '../rest-handlers';
import { createWebHarness, multipart, TINY_PNG } from '../test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let rest: ReturnType<typeof createRestHandlers>;

beforeAll(async () => {
  h = await createWebHarness();
  rest = createRestHandlers(h.services);
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

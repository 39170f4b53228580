import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaListSchema, RenditionListSchema } from '@fjord/api';
import { createReadyMedia, createTestRendition } from '@fjord/testing';
import { createRestHandlers } from '../rest-handlers';
import { createWebHarness, withContract } from '../test/web-test-harness';
import { createRestApi } from '../rest-api';
import { createRestRenditionsHandler } from './rest-renditions.handler';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let rest: ReturnType<typeof createRestHandlers>;
const BASE = 'http://localhost:3000';

beforeAll(async () => {
  h = await createWebHarness({ SIGNED_URL_TTL_SECONDS: '60' });
  rest = h.rest;
});
afterAll(async () => {
  await h?.close();
});

async function seedMedia(ownerId: string, opts: { status?: 'READY' | 'FAILED'; createdAt: string }) {
  const media = await createReadyMedia(h.db, { ownerId, ...opts, createdAt: new Date(opts.createdAt) });
  return media.id;
}

const list = (query: string, headers: Record<string, string>) =>
  rest.listMedia(new Request(`${BASE}/api/v1/media${query}`, { headers }));

describe('GET /api/v1/media', () => {
  it('pages newest first with a cursor and filters by status and created range', async () => {
    const { user, auth } = await h.createUserWithKey({ scopes: ['media:read'] });
    const ids = [];
    for (let day = 1; day <= 5; day++) {
      ids.push(
        await seedMedia(user.id, {
          status: day === 3 ? 'FAILED' : 'READY',
          createdAt: `2026-01-0${day}T00:00:00Z`,
        }),
      );
    }
    await seedMedia((await h.createUserWithKey()).user.id, { createdAt: '2026-01-02T00:00:00Z' });

    const first = MediaListSchema.parse(await (await list('?limit=2', auth)).json());
    expect(first.items.map((m) => m.id)).toEqual([ids[4], ids[3]]);
    const second = MediaListSchema.parse(
      await (await list(`?limit=2&cursor=${first.nextCursor}`, auth)).json(),
    );
    expect(second.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    const third = MediaListSchema.parse(
      await (await list(`?limit=2&cursor=${second.nextCursor}`, auth)).json(),
    );
    expect(third).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });

    const failed = MediaListSchema.parse(await (await list('?status=FAILED', auth)).json());
    expect(failed.items.map((m) => m.id)).toEqual([ids[2]]);
    const range = MediaListSchema.parse(
      await (await list('?createdFrom=2026-01-02T00:00:00Z&createdTo=2026-01-04T00:00:00Z', auth)).json(),
    );
    expect(range.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
  });

  it('refuses unknown and invalid query parameters with field details, and keys without media:read', async () => {
    const { auth } = await h.createUserWithKey();
    const res = await list('?colour=red&limit=500', auth);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { fields: { field: string }[] } } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.details.fields.map((f) => f.field).sort()).toEqual(['(input)', 'limit']);

    const writeOnly = await h.createUserWithKey({ scopes: ['media:write'] });
    expect((await list('', writeOnly.auth)).status).toBe(403);
  });
});

describe('GET /api/v1/media/:id/renditions and signed downloads', () => {
  it('reports a rendition past 2 GiB with its exact size', async () => {
    const { user, auth } = await h.createUserWithKey({ scopes: ['media:read'] });
    const id = await seedMedia(user.id, { createdAt: '2026-02-01T00:00:00Z' });
    const threeGiB = 3 * 1024 ** 3;
    const mp4 = { format: 'mp4', mimeType: 'video/mp4', storageKey: `media/${id}/r/mp4-1080p.mp4` };
    await createTestRendition(h.db, { mediaId: id, name: 'mp4-1080p', ...mp4, bytes: threeGiB });
    const res = await rest.listRenditions(
      new Request(`${BASE}/api/v1/media/${id}/renditions`, { headers: auth }),
      id,
    );
    expect(res.status).toBe(200);
    expect(RenditionListSchema.parse(await res.json()).items[0]?.bytes).toBe(threeGiB);
  });

  it('returns URLs that download with no credentials, and refuse when tampered or expired', async () => {
    const { user, auth } = await h.createUserWithKey({ scopes: ['media:read'] });
    const id = await seedMedia(user.id, { createdAt: '2026-02-01T00:00:00Z' });
    const { storageKey } = await createTestRendition(h.db, { mediaId: id });
    await h.services.storage.put(storageKey, Buffer.from('RIFFxxxxWEBP'));

    const res = await rest.listRenditions(
      new Request(`${BASE}/api/v1/media/${id}/renditions`, { headers: auth }),
      id,
    );
    expect(res.status).toBe(200);
    const body = RenditionListSchema.parse(await res.json());
    const item = body.items[0]!;
    expect(Date.parse(item.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    expect(Date.parse(item.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);

    const files = h.files;
    const params = { mediaId: id, name: 'thumb-webp' };
    const download = await files(new Request(item.url), params);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('RIFFxxxxWEBP');

    const url = new URL(item.url);
    const tampered = await files(new Request(item.url.replace('sig=', 'sig=A')), params);
    expect(tampered.status).toBe(403);
    const otherFile = await files(new Request(item.url), { mediaId: id, name: 'original' });
    expect(otherFile.status).toBe(403);
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 10));
    expect((await files(new Request(url), params)).status).toBe(403);

    const past = await signedUrlIssuedAt(new Date(Date.now() - 120_000), id, auth);
    const refused = await files(new Request(past), params);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/expired/);

    const stranger = await h.createUserWithKey();
    const hidden = await rest.listRenditions(
      new Request(`${BASE}/api/v1/media/${id}/renditions`, { headers: stranger.auth }),
      id,
    );
    expect(hidden.status).toBe(404);
  });
});

/** A signed URL as the API would have issued it at `at` (TTL 60 s), to test expiry without waiting. */
async function signedUrlIssuedAt(at: Date, id: string, auth: Record<string, string>) {
  const handler = withContract(
    createRestRenditionsHandler({
      ...h.services,
      restApi: createRestApi({ db: h.db }),
      now: () => at,
    }),
  );
  const res = await handler(new Request(`${BASE}/api/v1/media/${id}/renditions`, { headers: auth }), id);
  return RenditionListSchema.parse(await res.json()).items[0]!.url;
}

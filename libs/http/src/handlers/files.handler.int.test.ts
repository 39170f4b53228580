import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '@fjord/auth';
import { createTestRendition, createTestUser, startS3TestServer, type S3TestServer } from '@fjord/testing';
import { createWebHarness, TINY_PNG } from '../test/web-test-harness';
import { createFilesHandler } from './files.handler';

// The same behaviour whichever driver holds the bytes: local disk or S3 (stat for size, ranged GETs).
describe.each(['local', 's3'] as const)('GET /files/:mediaId/:name (%s storage)', (driver) => {
  let h: Awaited<ReturnType<typeof createWebHarness>>;
  let files: ReturnType<typeof createFilesHandler>;
  let mediaId: string;
  let s3: S3TestServer | undefined;
  let ownerCookie: string;
  const RENDITION = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

  beforeAll(async () => {
    s3 = driver === 's3' ? await startS3TestServer() : undefined;
    h = await createWebHarness(s3?.env ?? {});
    expect(h.services.storage.driver).toBe(driver);
    files = h.files;
    const owner = await createTestUser(h.db);
    ownerCookie = `fjord_session=${(await createSession(h.db, { userId: owner.id })).token}`;
    ({ id: mediaId } = await h.services.ingest.ingestUpload({
      ownerId: owner.id,
      filename: 'My photo.png',
      body: TINY_PNG,
    }));
    const storageKey = `media/${mediaId}/r/thumb-webp.webp`;
    await h.services.storage.put(storageKey, RENDITION);
    await createTestRendition(h.db, { mediaId, width: 10, height: 10, bytes: 100, storageKey });
  });

  afterAll(async () => {
    await h?.close();
    await s3?.close();
  });

  const fetchFile = (name: string, headers: Record<string, string> = {}, method = 'GET') =>
    files(new Request(`http://localhost/files/${mediaId}/${name}`, { method, headers }), { mediaId, name });

  it('serves the owner a rendition with its type, nosniff, a sandbox CSP and immutable caching', async () => {
    const res = await fetchFile('thumb-webp', { cookie: ownerCookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(res.headers.get('content-length')).toBe('100');
    expect(res.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(RENDITION);
  });

  it('serves the original as an attachment', async () => {
    const res = await fetchFile('original', { cookie: ownerCookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="My photo\.png"/);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(TINY_PNG);
  });

  it('answers 404 to another user, for unknown names, and 401 without credentials', async () => {
    const other = await createTestUser(h.db);
    const otherCookie = `fjord_session=${(await createSession(h.db, { userId: other.id })).token}`;
    expect((await fetchFile('thumb-webp', { cookie: otherCookie })).status).toBe(404);
    expect((await fetchFile('original', { cookie: otherCookie })).status).toBe(404);
    expect((await fetchFile('w1280-avif', { cookie: ownerCookie })).status).toBe(404);
    expect((await fetchFile('thumb-webp')).status).toBe(401);
  });

  it('lets an admin and the owner’s API key in', async () => {
    const admin = await createTestUser(h.db, { role: 'ADMIN' });
    const adminCookie = `fjord_session=${(await createSession(h.db, { userId: admin.id })).token}`;
    expect((await fetchFile('thumb-webp', { cookie: adminCookie })).status).toBe(200);
    const stranger = await h.createUserWithKey();
    expect((await fetchFile('thumb-webp', stranger.auth)).status).toBe(404);
  });

  it('answers a Range with 206 and Content-Range, and an unsatisfiable one with 416', async () => {
    const res = await fetchFile('thumb-webp', { cookie: ownerCookie, range: 'bytes=10-19' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 10-19/100');
    expect(res.headers.get('content-length')).toBe('10');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(RENDITION.subarray(10, 20));

    const first = await fetchFile('thumb-webp', { cookie: ownerCookie, range: 'bytes=0-0' });
    expect(first.headers.get('content-range')).toBe('bytes 0-0/100');
    expect(Buffer.from(await first.arrayBuffer())).toEqual(RENDITION.subarray(0, 1));
    const last = await fetchFile('thumb-webp', { cookie: ownerCookie, range: 'bytes=99-99' });
    expect(Buffer.from(await last.arrayBuffer())).toEqual(RENDITION.subarray(99));

    const suffix = await fetchFile('thumb-webp', { cookie: ownerCookie, range: 'bytes=-5' });
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(RENDITION.subarray(95));

    const bad = await fetchFile('thumb-webp', { cookie: ownerCookie, range: 'bytes=500-600' });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */100');
  });

  it('answers If-None-Match with 304 when the ETag matches', async () => {
    const first = await fetchFile('thumb-webp', { cookie: ownerCookie });
    const etag = first.headers.get('etag')!;
    const again = await fetchFile('thumb-webp', { cookie: ownerCookie, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await fetchFile('thumb-webp', { cookie: ownerCookie, 'if-none-match': '"other"' })).status).toBe(
      200,
    );
  });

  it('answers HEAD with headers only', async () => {
    const res = await fetchFile('thumb-webp', { cookie: ownerCookie }, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('100');
    expect(await res.text()).toBe('');
  });
});

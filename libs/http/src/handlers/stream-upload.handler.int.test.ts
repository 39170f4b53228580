import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '@fjord/auth';
import { mediaJobId } from '@fjord/queue';
import { createTestUser } from '@fjord/testing';
import { createWebHarness, TINY_PNG } from '../test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let video: Buffer;
const BASE = 'http://localhost:3000';

beforeAll(async () => {
  h = await createWebHarness({ VIDEO_UPLOAD_MAX_BYTES: String(1024 * 1024) });
  // Only the ingest gate runs here (magic bytes), so an MP4 header and random bytes are enough.
  video = Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypisom'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isommp41'),
    randomBytes(300_000),
  ]);
});
afterAll(async () => {
  await h?.close();
});

/** A body that arrives in small chunks, as from a socket; the handler never sees it whole. */
function chunked(data: Buffer, size = 16 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(new Uint8Array(data.subarray(offset, (offset += size))));
    },
  });
}

const request = (url: string, body: BodyInit, headers: Record<string, string>) =>
  new Request(url, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('streaming upload (octet-stream)', () => {
  it('POST /api/v1/media with an API key streams a video to storage byte for byte and queues its flow', async () => {
    const { auth } = await h.createUserWithKey();
    const res = await h.rest.createMedia(
      request(`${BASE}/api/v1/media`, chunked(video), {
        ...auth,
        'content-type': 'application/octet-stream',
        'x-filename': encodeURIComponent('Fjord trip – day 1.mp4'),
      }),
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; kind: string };
    expect(body.kind).toBe('VIDEO');
    const media = await h.db.media.findUniqueOrThrow({ where: { id: body.id } });
    expect(media).toMatchObject({
      originalName: 'Fjord trip – day 1.mp4',
      mimeType: 'video/mp4',
      kind: 'VIDEO',
    });
    expect(media.sha256).toBe(createHash('sha256').update(video).digest('hex'));
    expect(await h.services.queues.db.getJob(mediaJobId(body.id, 'finalize'))).toBeDefined();

    const del = await h.rest.deleteMedia(
      new Request(`${BASE}/api/v1/media/${body.id}`, { method: 'DELETE', headers: auth }),
      body.id,
    );
    expect(del.status).toBe(204);
    expect(await h.db.media.findUnique({ where: { id: body.id } })).toBeNull();
    expect(await h.services.storage.stat(media.storageKey)).toBeNull();
  });

  it('refuses past VIDEO_UPLOAD_MAX_BYTES with a clear 413, by header and by counting', async () => {
    const { auth } = await h.createUserWithKey();
    const handler = h.uploads;
    const big = Buffer.concat([video, Buffer.alloc(2 * 1024 * 1024)]);
    const declared = await handler(
      request(`${BASE}/api/uploads?filename=big.mp4`, new Uint8Array(big), {
        ...auth,
        'content-length': String(big.length),
      }),
    );
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({
      error: { code: 'too_large', message: 'big.mp4 is 2 MB; the limit is 1 MB.' },
    });
    const counted = await handler(request(`${BASE}/api/uploads?filename=big.mp4`, chunked(big), auth));
    expect(counted.status).toBe(413);
    expect(((await counted.json()) as { error: { message: string } }).error.message).toMatch(
      /^big\.mp4 is .*; the limit is 1 MB\.$/,
    );
  });

  it('accepts a session only from this origin', async () => {
    const handler = h.uploads;
    const res = await handler(
      request(`${BASE}/api/uploads`, new Uint8Array(video), { cookie: 'fjord_session=nope' }),
    );
    expect(res.status).toBe(401);

    const user = await createTestUser(h.db);
    const cookie = `fjord_session=${(await createSession(h.db, { userId: user.id })).token}`;
    const send = (headers: Record<string, string>) =>
      handler(
        request(`${BASE}/api/uploads`, new Uint8Array(TINY_PNG), {
          cookie,
          host: 'localhost:3000',
          ...headers,
        }),
      );
    expect((await send({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await send({})).status).toBe(403);
    // X-Forwarded-Host is the client's own word unless TRUST_PROXY says a proxy wrote it.
    expect((await send({ origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' })).status).toBe(
      403,
    );
    expect(await h.db.media.count({ where: { ownerId: user.id } })).toBe(0);
  });

  it('is the browser’s image upload: the XHR body is the file, its name in X-Filename, answered 202 { id, status }', async () => {
    const user = await createTestUser(h.db);
    const cookie = `fjord_session=${(await createSession(h.db, { userId: user.id })).token}`;
    const handler = h.uploads;
    const browser = { cookie, host: 'localhost:3000', origin: BASE, 'content-type': 'image/png' };
    const res = await handler(
      request(`${BASE}/api/uploads`, chunked(TINY_PNG, 16), {
        ...browser,
        'x-filename': encodeURIComponent('Fjord – dot.png'),
      }),
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; status: string; kind: string; links: { files: string } };
    expect(body).toMatchObject({ status: 'QUEUED', kind: 'IMAGE' });
    const media = await h.db.media.findUniqueOrThrow({ where: { id: body.id } });
    expect(media).toMatchObject({ ownerId: user.id, originalName: 'Fjord – dot.png', mimeType: 'image/png' });
    expect((await h.services.storage.read(media.storageKey)).equals(TINY_PNG)).toBe(true);
    // Its files link serves the upload to the same session, and to nobody else.
    const file = await h.followFileLink(body.links.files, { cookie });
    expect([file.status, Buffer.from(await file.arrayBuffer()).equals(TINY_PNG)]).toEqual([200, true]);
    const stranger = await createSession(h.db, { userId: (await createTestUser(h.db)).id });
    expect(
      (await h.followFileLink(body.links.files, { cookie: `fjord_session=${stranger.token}` })).status,
    ).toBe(404);

    // What the upload page shows for a text file named .jpg comes from this answer.
    const text = Buffer.from('Dear diary, today I renamed a text file to holiday.jpg.\n');
    const refused = await handler(
      request(`${BASE}/api/uploads`, new Uint8Array(text), { ...browser, 'x-filename': 'holiday.jpg' }),
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /holiday\.jpg is not a supported image or video: it looks like plain text/,
    );
    expect(await h.db.media.count({ where: { ownerId: user.id } })).toBe(1);
  });
});

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaJobId } from '@fjord/queue';
import { createTestRendition } from '@fjord/testing';
import { createWebHarness, multipart, TINY_PNG } from '../test/web-test-harness';
import { createRestHandlers } from '../rest-handlers';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let rest: ReturnType<typeof createRestHandlers>;
const BASE = 'http://localhost:3000';

beforeAll(async () => {
  h = await createWebHarness({ UPLOAD_MAX_BYTES: '4096' });
  rest = h.rest;
});

afterAll(async () => {
  await h?.close();
});

const post = (body: FormData | string, headers: Record<string, string> = {}) =>
  rest.createMedia(new Request(`${BASE}/api/v1/media`, { method: 'POST', body, headers }));
const get = (id: string, headers: Record<string, string> = {}) =>
  rest.getMedia(new Request(`${BASE}/api/v1/media/${id}`, { headers }), id);

describe('POST /api/v1/media', () => {
  it('answers 202 with links and queues the flow', async () => {
    const { user, auth } = await h.createUserWithKey();
    const res = await post(multipart(TINY_PNG, 'dot.png', 'image/png'), auth);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; status: string; links: { self: string; files: string } };
    expect(body.status).toBe('QUEUED');
    expect(body.links).toEqual({
      self: `${BASE}/api/v1/media/${body.id}`,
      files: `${BASE}/files/${body.id}/original`,
    });
    expect(res.headers.get('location')).toBe(body.links.self);
    expect(res.headers.get('cache-control')).toBe('no-store'); // every REST answer, set by the pipeline
    // The link serves the file uploaded, to the same key; to anyone else it does not exist.
    const file = await h.followFileLink(body.links.files, auth);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(TINY_PNG)).toBe(true);
    const stranger = await h.createUserWithKey();
    expect((await h.followFileLink(body.links.files, stranger.auth)).status).toBe(404);
    expect(await h.db.media.findUnique({ where: { id: body.id }, select: { ownerId: true } })).toEqual({
      ownerId: user.id,
    });
    expect(await h.services.queues.db.getJob(mediaJobId(body.id, 'finalize'))).toBeDefined();
  });

  it('answers 401 without a key, with a wrong key, and for a session cookie alone', async () => {
    const { key } = await h.createUserWithKey();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${key.slice(0, -2)}xx` },
      { cookie: 'fjord_session=abc' },
    ];
    for (const headers of attempts) {
      const res = await post(multipart(TINY_PNG, 'dot.png', 'image/png'), headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({
        error: { code: 'unauthorized', message: expect.stringContaining('Bearer') },
      });
    }
  });

  it('answers 400 unsupported_type for text named .jpg', async () => {
    const { auth } = await h.createUserWithKey();
    const res = await post(
      multipart(Buffer.from('just some words, not pixels\n'), 'photo.jpg', 'image/jpeg'),
      auth,
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unsupported_type');
    expect(body.error.message).toMatch(
      /photo\.jpg is not a supported image or video: it looks like plain text/,
    );
  });

  it('refuses unknown multipart fields and a second file', async () => {
    const { auth } = await h.createUserWithKey();
    const extra = multipart(TINY_PNG, 'dot.png', 'image/png');
    extra.append('colour', 'red');
    const res = await post(extra, auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'bad_request', message: expect.any(String), details: { unknown: ['colour'] } },
    });
    const two = multipart(TINY_PNG, 'a.png', 'image/png');
    two.append('file', new File([new Uint8Array(TINY_PNG)], 'b.png', { type: 'image/png' }));
    expect((await post(two, auth)).status).toBe(400);
  });

  it('answers 413 too_large past UPLOAD_MAX_BYTES', async () => {
    const { auth } = await h.createUserWithKey();
    const big = Buffer.concat([TINY_PNG, Buffer.alloc(10_000)]);
    const res = await post(multipart(big, 'big.png', 'image/png'), auth);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_large');
  });

  /** Every stored blob under the harness's storage dir (originals live under media/). */
  async function storedFiles(): Promise<string[]> {
    const dir = path.join(h.config.storageDir, 'media');
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  }

  /** A multipart body by hand (boundary, one file part), so a test can cut or grow it. */
  function rawMultipart(file: Buffer, opts: { close?: boolean } = {}) {
    const boundary = 'fjordtestboundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    const tail = Buffer.from(opts.close === false ? '' : `\r\n--${boundary}--\r\n`);
    return { body: Buffer.concat([head, file, tail]), type: `multipart/form-data; boundary=${boundary}` };
  }

  it('answers 400 for a truncated multipart body and keeps nothing', async () => {
    const { auth } = await h.createUserWithKey();
    const before = await storedFiles();
    const { body, type } = rawMultipart(Buffer.concat([TINY_PNG, Buffer.alloc(2000)]), { close: false });
    const res = await rest.createMedia(
      new Request(`${BASE}/api/v1/media`, {
        method: 'POST',
        body,
        headers: { ...auth, 'content-type': type },
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'bad_request', message: 'The multipart body could not be read.' },
    });
    expect(await storedFiles()).toEqual(before);
  });

  /** A chunked body (no Content-Length) of `body`, cut by an error after `failAfter` bytes if given. */
  function chunkedBody(body: Buffer, failAfter?: number) {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (failAfter !== undefined && sent >= failAfter)
          return controller.error(new Error('client went away'));
        if (sent >= body.byteLength) return controller.close();
        controller.enqueue(body.subarray(sent, sent + 16 * 1024));
        sent += 16 * 1024;
      },
    });
  }
  const postChunked = (stream: ReadableStream<Uint8Array>, type: string, auth: Record<string, string>) =>
    rest.createMedia(
      new Request(`${BASE}/api/v1/media`, {
        method: 'POST',
        body: stream,
        headers: { ...auth, 'content-type': type },
        duplex: 'half',
      } as RequestInit),
    );

  it('refuses a file over UPLOAD_MAX_BYTES sent without Content-Length (413) and leaves no blob', async () => {
    const { auth } = await h.createUserWithKey();
    const before = await storedFiles();
    const { body, type } = rawMultipart(Buffer.concat([TINY_PNG, Buffer.alloc(64 * 1024)]));
    // Chunked, no Content-Length: only the parser can see the file is too large.
    const res = await postChunked(chunkedBody(body), type, auth);
    expect(res.status).toBe(413);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('too_large');
    expect(error.message).toMatch(/^p\.png is larger than .*, the limit\.$/);
    expect(await storedFiles()).toEqual(before);
  });

  it('answers a chunked file far past UPLOAD_MAX_BYTES with 413 instead of hanging, and keeps nothing', async () => {
    // Past the body limit (UPLOAD_MAX_BYTES + 64 KB of framing): busboy had stopped feeding the file at the
    // limit and the body's error never reached the file stream, so the upload waited forever.
    const { auth } = await h.createUserWithKey();
    const before = await storedFiles();
    const { body, type } = rawMultipart(
      Buffer.concat([TINY_PNG, Buffer.alloc(h.config.UPLOAD_MAX_BYTES + 512 * 1024)]),
    );
    const res = await postChunked(chunkedBody(body), type, auth);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_large');
    expect(await storedFiles()).toEqual(before);
  }, 20_000);

  it('answers 400 when the client goes away mid-file, instead of hanging, and keeps nothing', async () => {
    const { auth } = await h.createUserWithKey();
    const before = await storedFiles();
    const { body, type } = rawMultipart(Buffer.concat([TINY_PNG, Buffer.alloc(200 * 1024)]));
    const res = await postChunked(chunkedBody(body, 64 * 1024), type, auth);
    expect(res.status).toBe(400);
    expect(await storedFiles()).toEqual(before);
  }, 20_000);

  it('answers 400 for a multipart content type without a boundary', async () => {
    const { auth } = await h.createUserWithKey();
    const direct = await rest.createMedia(
      new Request(`${BASE}/api/v1/media`, {
        method: 'POST',
        body: 'x',
        headers: { ...auth, 'content-type': 'multipart/form-data' },
      }),
    );
    expect(direct.status).toBe(400);
    expect(((await direct.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });

  it('keeps a UTF-8 filename as the browser sent it (busboy decodes latin1 unless told)', async () => {
    const { auth } = await h.createUserWithKey();
    const res = await post(multipart(TINY_PNG, 'fjörd-☃.png', 'image/png'), auth);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(((await (await get(id, auth)).json()) as { originalName: string }).originalName).toBe(
      'fjörd-☃.png',
    );
  });

  it('answers 403 for a key without the media:write scope', async () => {
    const { auth } = await h.createUserWithKey({ scopes: ['media:read'] });
    const res = await post(multipart(TINY_PNG, 'dot.png', 'image/png'), auth);
    expect(res.status).toBe(403);
  });
});

describe('GET /api/v1/media/:id', () => {
  it('returns the owner’s media with renditions, and 404 to anyone else', async () => {
    const owner = await h.createUserWithKey();
    const created = (await (await post(multipart(TINY_PNG, 'a.png', 'image/png'), owner.auth)).json()) as {
      id: string;
    };
    await createTestRendition(h.db, { mediaId: created.id, bytes: 44 });
    const res = await get(created.id, owner.auth);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: created.id,
      kind: 'IMAGE',
      status: 'QUEUED',
      originalName: 'a.png',
      mimeType: 'image/png',
      sizeBytes: TINY_PNG.length,
      width: null,
      height: null,
      error: null,
      createdAt: expect.any(String),
      finishedAt: null,
      placeholder: null,
      renditions: [
        {
          name: 'thumb-webp',
          format: 'webp',
          width: 1,
          height: 1,
          bytes: 44,
          url: `${BASE}/files/${created.id}/thumb-webp`,
        },
      ],
    });

    const stranger = await h.createUserWithKey();
    const hidden = await get(created.id, stranger.auth);
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await get('00000000-0000-4000-8000-000000000000', owner.auth)).status).toBe(404);
    expect((await get(created.id)).status).toBe(401);
  });
});

describe('placeholder on the REST media (ADR 0023)', () => {
  it('answers { thumbhash, color } once finalize recorded them, on GET and in the list (contract-checked)', async () => {
    const owner = await h.createUserWithKey();
    const created = (await (await post(multipart(TINY_PNG, 'p.png', 'image/png'), owner.auth)).json()) as {
      id: string;
    };
    const placeholder = { thumbhash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', color: '#4a6b2f' };
    await h.db.media.update({
      where: { id: created.id },
      data: { thumbhash: placeholder.thumbhash, dominantColor: placeholder.color },
    });
    const one = (await (await get(created.id, owner.auth)).json()) as { placeholder: unknown };
    expect(one.placeholder).toEqual(placeholder);
    const list = await rest.listMedia(new Request(`${BASE}/api/v1/media`, { headers: owner.auth }));
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: { id: string; placeholder: unknown }[] };
    expect(items.find((m) => m.id === created.id)?.placeholder).toEqual(placeholder);
  });
});

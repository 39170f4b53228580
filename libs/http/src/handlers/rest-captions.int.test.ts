import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptionListSchema, CaptionSchema } from '@fjord/api';
import { sweepOrphanBlobs } from '@fjord/ingest';
import { createWebHarness } from '../test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
const BASE = 'http://localhost:3000';
const VTT = 'WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello <b>there</b>\n';
const SRT = '\uFEFF1\r\n00:00:01,000 --> 00:00:02,000\r\nHej\r\n';

beforeAll(async () => {
  h = await createWebHarness();
});
afterAll(async () => {
  await h?.close();
});

async function seedMedia(ownerId: string, kind: 'VIDEO' | 'IMAGE' = 'VIDEO') {
  const media = await h.db.media.create({
    data: {
      ownerId,
      kind,
      status: 'READY',
      originalName: 'clip.mp4',
      mimeType: 'video/mp4',
      sizeBytes: 4n,
      sha256: 'a'.repeat(64),
      storageKey: `media/${ownerId}/orig`,
    },
  });
  return media.id;
}

const upload = (
  id: string,
  auth: Record<string, string>,
  o: {
    query?: string;
    body?: string | Uint8Array<ArrayBuffer>;
    type?: string;
    headers?: Record<string, string>;
  } = {},
) =>
  h.rest.captions.uploadCaption(
    new Request(`${BASE}/api/v1/media/${id}/captions${o.query ?? '?lang=en-us&label=English'}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': o.type ?? 'text/vtt', ...o.headers },
      body: o.body ?? VTT,
    }),
    id,
  );
const list = (id: string, auth: Record<string, string>) =>
  h.rest.captions.listCaptions(new Request(`${BASE}/api/v1/media/${id}/captions`, { headers: auth }), id);
const remove = (id: string, lang: string, auth: Record<string, string>) =>
  h.rest.captions.deleteCaption(
    new Request(`${BASE}/api/v1/media/${id}/captions/${lang}`, { method: 'DELETE', headers: auth }),
    id,
    lang,
  );

describe('REST captions', () => {
  it('stores WebVTT and SRT per language, lists them and serves them as inert text/vtt', async () => {
    const { user, auth } = await h.createUserWithKey();
    const id = await seedMedia(user.id);

    const created = await upload(id, auth);
    expect(created.status).toBe(201);
    const caption = CaptionSchema.parse(await created.json());
    expect(caption).toMatchObject({
      lang: 'en-US',
      label: 'English',
      url: `${BASE}/files/${id}/caption-en-US`,
    });

    const srt = await upload(id, auth, {
      query: '?lang=da&label=Dansk',
      body: SRT,
      type: 'application/x-subrip',
    });
    expect(srt.status).toBe(201);

    const listed = CaptionListSchema.parse(await (await list(id, auth)).json());
    expect(listed.items.map((c) => [c.lang, c.label])).toEqual([
      ['da', 'Dansk'],
      ['en-US', 'English'],
    ]);

    const file = await h.followFileLink(listed.items[0]!.url, auth);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
    expect(file.headers.get('cache-control')).toBe('private, no-cache');
    expect(await file.text()).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHej\n');
  });

  it('replaces a language in place: new file, same URL, the old blob removed', async () => {
    const { user, auth } = await h.createUserWithKey();
    const id = await seedMedia(user.id);
    await upload(id, auth);
    const before = await h.db.caption.findFirstOrThrow({ where: { mediaId: id } });
    const second = 'WEBVTT\n\n00:00:03.000 --> 00:00:04.000\nAgain\n';
    expect((await upload(id, auth, { query: '?lang=en-US&label=English%20(CC)', body: second })).status).toBe(
      201,
    );
    const after = await h.db.caption.findFirstOrThrow({ where: { mediaId: id } });
    expect(after).toMatchObject({ lang: 'en-US', label: 'English (CC)' });
    expect(after.storageKey).not.toBe(before.storageKey);
    expect(await h.services.storage.stat(before.storageKey)).toBeNull();
    const file = await h.followFileLink(`${BASE}/files/${id}/caption-en-US`, auth);
    expect(await file.text()).toBe(second);
    expect(await h.db.caption.count({ where: { mediaId: id } })).toBe(1);
  });

  it('refuses bad input with a sentence naming the problem', async () => {
    const { user, auth } = await h.createUserWithKey();
    const id = await seedMedia(user.id);
    const image = await seedMedia(user.id, 'IMAGE');
    const cases: [Promise<Response>, number, RegExp][] = [
      [upload(id, auth, { type: 'text/html' }), 400, /text\/vtt .* application\/x-subrip/],
      [upload(id, auth, { query: '?lang=english!&label=x' }), 400, /not a BCP-47 language tag/],
      [upload(id, auth, { query: '?lang=en' }), 400, /label/],
      [upload(id, auth, { body: 'WEBVTT\n\n00:01 --> 00:02\nx\n' }), 400, /^Line 3: /],
      [upload(id, auth, { body: new Uint8Array([0x57, 0xff]) }), 400, /not UTF-8/],
      [upload(id, auth, { body: 'WEBVTT\n\n' + 'x'.repeat(600 * 1024) }), 413, /at most 512 KB/],
      [upload(image, auth), 400, /belong to videos/],
    ];
    for (const [res, status, message] of cases) {
      const r = await res;
      expect(r.status).toBe(status);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
    expect(await h.db.caption.count({ where: { mediaId: id } })).toBe(0);
  });

  it('deletes a track and its file; a second delete is 404', async () => {
    const { user, auth } = await h.createUserWithKey();
    const id = await seedMedia(user.id);
    await upload(id, auth);
    const { storageKey } = await h.db.caption.findFirstOrThrow({ where: { mediaId: id } });
    expect((await remove(id, 'en-us', auth)).status).toBe(204);
    expect(await h.services.storage.stat(storageKey)).toBeNull();
    expect((await remove(id, 'en-US', auth)).status).toBe(404);
  });

  it('replays an upload with the same Idempotency-Key, refuses it with another body', async () => {
    const { user, auth } = await h.createUserWithKey();
    const id = await seedMedia(user.id);
    const headers = { 'idempotency-key': `cap-${id}` };
    expect((await upload(id, auth, { headers })).status).toBe(201);
    const again = await upload(id, auth, { headers });
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    const other = await upload(id, auth, { headers, body: 'WEBVTT\n\n00:00:01.000 --> 00:00:09.000\nz\n' });
    expect(other.status).toBe(422);
  });

  it('goes with its media (ADR 0007), and the orphan sweep keeps live caption files', async () => {
    const { user, auth } = await h.createUserWithKey();
    const id = await seedMedia(user.id);
    await upload(id, auth);
    const { storageKey } = await h.db.caption.findFirstOrThrow({ where: { mediaId: id } });
    await h.db.media.update({ where: { id }, data: { updatedAt: new Date(Date.now() - 3_600_000) } });
    const swept = await sweepOrphanBlobs({
      db: h.db,
      storage: h.services.storage,
      graceMs: -60_000, // every file counts as old: only the references keep it
      logger: h.services.logger,
    });
    expect(swept.removed).not.toContain(storageKey);
    expect(await h.services.storage.stat(storageKey)).not.toBeNull();

    await h.services.deleteMedia(id);
    expect(await h.db.caption.count({ where: { mediaId: id } })).toBe(0);
    expect(await h.services.storage.stat(storageKey)).toBeNull();
  });
});

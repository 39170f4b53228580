import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptionService } from '@fjord/api';
import { createSession } from '@fjord/auth';
// A test may run the worker's real ladder to get real segments to serve.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { probeVideo, renderCmafLadder, renderStoryboard } from '@fjord/media';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createVideoFixture, probeStreams, probeVideoPackets } from '@fjord/media/testing';
import { streamManifestOf, WebhookEventPayloadSchema, type StreamManifest } from '@fjord/queue';
import { emitMediaWebhookEvent } from '@fjord/webhooks';
import { createTestUser, toWebRequest } from '@fjord/testing';
import { createWebHarness, TINY_PNG } from '../test/web-test-harness';
import { createStreamHandler } from './stream.handler';
import { signStreamToken } from './stream-token';

/** ffprobe over loopback HTTP (its default segment extension list, which has `vtt`). */
function probeSubtitlePlaylist(url: URL) {
  const args = ['-v', 'error', '-protocol_whitelist', 'http,tcp'];
  args.push('-print_format', 'json', '-show_streams', '-show_packets', url.toString());
  return new Promise<{ streams: { codec_type: string; codec_name: string }[]; packets: unknown[] }>(
    (resolve, reject) =>
      execFile('ffprobe', args, { timeout: 30_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`ffprobe: ${stderr}`)) : resolve(JSON.parse(stdout)),
      ),
  );
}

const CAPTION_VTT = 'WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nHello from the captions\n';

describe('GET /stream/:token/:mediaId/*file (real segments over loopback HTTP)', () => {
  let h: Awaited<ReturnType<typeof createWebHarness>>;
  let server: http.Server;
  let base: string;
  let mediaId: string;
  let otherMediaId: string;
  let ownerCookie: string;
  let ownerAuth: Record<string, string>;
  let strangerCookie: string;
  let manifest: StreamManifest;
  let dir: string;
  const secret = () => h.services.urlSigningSecret;
  const token = (id = mediaId, ms = 60_000) =>
    signStreamToken({ secret: secret(), mediaId: id, expiresAt: new Date(Date.now() + ms) }).token;

  beforeAll(async () => {
    h = await createWebHarness();
    const handler = createStreamHandler(h.services);
    server = http.createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const [, , tok, id, ...file] = url.pathname.split('/');
      const response = await handler(toWebRequest(req, port()), { token: tok!, mediaId: id!, file });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) Readable.fromWeb(response.body as never).pipe(res);
      else res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = () => (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port()}`;

    const { user: owner, auth } = await h.createUserWithKey();
    ownerAuth = auth;
    ownerCookie = `fjord_session=${(await createSession(h.db, { userId: owner.id })).token}`;
    const stranger = await createTestUser(h.db);
    strangerCookie = `fjord_session=${(await createSession(h.db, { userId: stranger.id })).token}`;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-stream-test-'));
    const clip = path.join(dir, 'clip.mp4');
    const clipBytes = await createVideoFixture({ width: 640, height: 360, seconds: 9 });
    await fs.writeFile(clip, clipBytes);
    const ingest = (filename: string, body: Buffer) =>
      h.services.ingest.ingestUpload({ ownerId: owner.id, filename, body });
    ({ id: mediaId } = await ingest('a.mp4', clipBytes));
    ({ id: otherMediaId } = await ingest('b.png', TINY_PNG));
    const info = await probeVideo(clip);
    const out = await renderCmafLadder({ input: clip, info, opts: { threads: 1, timeoutMs: 60_000 } });
    const prefix = `media/${mediaId}/r/cmaf.s1/`;
    for (const f of out.files)
      await h.services.storage.put(`${prefix}${f}`, await fs.readFile(path.join(out.dir, f)));
    manifest = streamManifestOf(out, info.durationMs);
    await out.cleanup();
    // The storyboard job's two renditions and one caption track, as their own code stores them.
    const board = await renderStoryboard({
      input: clip,
      info,
      imageUri: 'storyboard-jpg',
      opts: { threads: 1, timeoutMs: 60_000 },
    });
    const boardKey = `media/${mediaId}/r/storyboard.s1/`;
    await h.services.storage.put(`${boardKey}jpg`, await fs.readFile(board.sprite.path));
    await h.services.storage.put(`${boardKey}vtt`, await fs.readFile(board.vtt.path));
    await h.db.rendition.createMany({
      data: [
        {
          mediaId,
          name: 'storyboard-jpg',
          format: 'jpeg',
          mimeType: 'image/jpeg',
          width: board.sprite.width,
          height: board.sprite.height,
          bytes: board.sprite.bytes,
          storageKey: `${boardKey}jpg`,
        },
        {
          mediaId,
          name: 'storyboard-vtt',
          format: 'vtt',
          mimeType: 'text/vtt; charset=utf-8',
          width: 0,
          height: 0,
          bytes: board.vtt.bytes,
          storageKey: `${boardKey}vtt`,
        },
      ],
    });
    await board.cleanup();
    await createCaptionService(h.services).putCaption({
      media: { id: mediaId, kind: 'VIDEO' },
      lang: 'en',
      label: 'English',
      body: Buffer.from(CAPTION_VTT),
      format: 'vtt',
    });
    const row = {
      name: 'cmaf',
      format: 'cmaf',
      mimeType: 'application/vnd.apple.mpegurl',
      width: 640,
      height: 360,
    };
    await h.db.rendition.create({
      data: { mediaId, ...row, bytes: out.bytes, storageKey: prefix, stream: manifest },
    });
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const get = (file: string, tok = token(), headers: Record<string, string> = {}) =>
    fetch(`${base}/stream/${tok}/${mediaId}/${file}`, { headers });

  it('ffprobe reads every rung and the audio through the signed master playlist', async () => {
    const probe = await probeStreams(`${base}/stream/${token()}/${mediaId}/master.m3u8`, { allowHttp: true });
    const sizes = probe.streams.filter((s) => s.codec_type === 'video').map((s) => `${s.width}x${s.height}`);
    expect(sizes.sort()).toEqual(['426x240', '640x360']);
    expect(probe.streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac')).toBe(true);
    // Key frames of each rung, read over HTTP through its media playlist, sit at the same times.
    const keys = [];
    for (const rung of manifest.rungs) {
      const packets = await probeVideoPackets(
        `${base}/stream/${token()}/${mediaId}/${rung.name}/index.m3u8`,
        {
          allowHttp: true,
        },
      );
      const origin = packets[0]!.pts;
      keys.push(packets.filter((p) => p.isKey).map((p) => Number((p.pts - origin).toFixed(2))));
    }
    expect(keys[0]).toEqual([0, 2, 4, 6, 8]);
    expect(keys[1]).toEqual(keys[0]);
  }, 60_000);

  it('renders a master with the ladder attributes and an MPD whose segment list is the stored files', async () => {
    const master = await get('master.m3u8');
    expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(master.headers.get('cache-control')).toBe('private, max-age=10');
    const body = await master.text();
    expect(body).toMatch(
      /#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=426x240,CODECS="avc1\.64[0-9a-f]{4},mp4a\.40\.2",FRAME-RATE=15\.000,AUDIO="aud"/,
    );
    const mpd = await get('manifest.mpd');
    expect(mpd.headers.get('content-type')).toBe('application/dash+xml');
    const xml = await mpd.text();
    const stored = [];
    for await (const e of h.services.storage.list(`media/${mediaId}/r/cmaf.s1/`))
      stored.push(e.key.split('cmaf.s1/')[1]);
    const listed: string[] = [];
    for (const rep of xml.matchAll(/<Representation id="([a-z0-9]+)"[^>]*>(.*?)<\/Representation>/g)) {
      const [, id, inner] = rep;
      const init = /initialization="([^"]+)"/.exec(inner!)![1]!;
      const media = /media="([^"]+)"/.exec(inner!)![1]!;
      const count = [...inner!.matchAll(/<S(?: t="\d+")? d="(\d+)"(?: r="(\d+)")?\/>/g)].reduce(
        (n, m) => n + 1 + Number(m[2] ?? 0),
        0,
      );
      listed.push(
        init,
        ...Array.from({ length: count }, (_, i) => media.replace('$Number%05d$', String(i).padStart(5, '0'))),
      );
      expect(id).toBeTruthy();
    }
    expect(listed.sort()).toEqual(stored.sort());
  });

  it('serves segments with ranges, their types and immutable caching', async () => {
    const seg = manifest.rungs[0]!.segments[0]!;
    const full = await get(seg.uri);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('video/iso.segment');
    expect(full.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(full.headers.get('x-content-type-options')).toBe('nosniff');
    expect(full.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect((await full.arrayBuffer()).byteLength).toBe(seg.bytes);
    const part = await get(seg.uri, token(), { range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${seg.bytes}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    expect((await get('v240/init.mp4')).headers.get('content-type')).toBe('video/mp4');
    expect((await get('audio/init.mp4')).headers.get('content-type')).toBe('audio/mp4');
    // Only files the committed manifest lists: nothing else under (or beside) the folder.
    expect((await get('v240/seg-99999.m4s')).status).toBe(404);
    expect((await get('..%2Foriginal.png')).status).toBe(404);
  });

  it('refuses an expired token, a token of another media and a forged one (403); session: owner yes, stranger 404', async () => {
    expect((await get('master.m3u8', token(mediaId, -1000))).status).toBe(403);
    expect((await get(manifest.rungs[0]!.segments[0]!.uri, token(otherMediaId))).status).toBe(403);
    expect((await get('master.m3u8', `${token().slice(0, -2)}xx`)).status).toBe(403);
    expect((await get('master.m3u8', 's', { cookie: ownerCookie })).status).toBe(200);
    expect((await get('v240/init.mp4', 's', { cookie: ownerCookie })).status).toBe(200);
    expect((await get('master.m3u8', 's', { cookie: strangerCookie })).status).toBe(404);
    expect((await get('master.m3u8', 's')).status).toBe(401);
  });

  it('GET /api/v1/media/{id} gives signed HLS and DASH URLs that play without credentials, and the ladder', async () => {
    const res = await h.rest.getMedia(
      new Request(`http://localhost/api/v1/media/${mediaId}`, { headers: ownerAuth }),
      mediaId,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      streams: { hls: string; dash: string; expiresAt: string; rungs: unknown[] };
      storyboard: { vtt: string; image: string };
      captions: { lang: string; label: string; url: string }[];
      renditions: { name: string }[];
    };
    expect(body).toMatchObject({ kind: 'VIDEO', streams: expect.any(Object) });
    expect(body.renditions.map((r) => r.name)).not.toContain('cmaf');
    expect(body.streams.rungs).toEqual(
      manifest.rungs.map((r) =>
        expect.objectContaining({ name: r.name, width: r.width, bandwidth: r.bandwidth, codecs: r.codecs }),
      ),
    );
    expect(new Date(body.streams.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(body.captions).toEqual([{ lang: 'en', label: 'English', url: expect.any(String) }]);
    const token = new URL(body.streams.hls).pathname.split('/')[2];
    for (const url of [body.storyboard.vtt, body.storyboard.image, body.captions[0]!.url]) {
      expect(new URL(url).pathname.split('/')[2]).toBe(token);
    }
    expect(new URL(body.captions[0]!.url).pathname).toBe(`/stream/${token}/${mediaId}/captions/en.vtt`);
    for (const url of [
      body.streams.hls,
      body.streams.dash,
      ...Object.values(body.storyboard),
      body.captions[0]!.url,
    ]) {
      const { pathname } = new URL(url);
      const played = await fetch(`${base}${pathname}`);
      expect(played.status).toBe(200);
    }
    const image = await h.rest.getMedia(
      new Request(`http://localhost/api/v1/media/${otherMediaId}`, { headers: ownerAuth }),
      otherMediaId,
    );
    const imageBody = (await image.json()) as { streams?: unknown; storyboard?: unknown; captions?: unknown };
    expect([imageBody.streams, imageBody.storyboard, imageBody.captions]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("media.ready's webhook payload carries the same signed streams, storyboard and captions", async () => {
    const { ownerId } = await h.db.media.findUniqueOrThrow({
      where: { id: mediaId },
      select: { ownerId: true },
    });
    await h.db.webhookEndpoint.create({
      data: {
        userId: ownerId,
        url: 'http://127.0.0.1:9/hook',
        secretCiphertext: 'unused',
        events: ['media.ready'],
      },
    });
    const streamSigner = { urlSigningSecret: secret(), baseUrl: base, ttlSeconds: 60 };
    const queued = await emitMediaWebhookEvent(
      { db: h.db, queues: h.services.queues, config: h.services.config, streamSigner },
      { event: 'media.ready', mediaId },
    );
    expect(queued).toBe(1);
    const delivery = await h.db.webhookDelivery.findFirstOrThrow({
      where: { eventId: `media.ready.${mediaId}` },
    });
    const { data } = WebhookEventPayloadSchema.parse(delivery.payload);
    expect(data.captions).toEqual([
      { lang: 'en', label: 'English', url: expect.stringContaining('/captions/en.vtt') },
    ]);
    for (const url of [
      data.streams!.hls,
      data.storyboard!.vtt,
      data.storyboard!.image,
      data.captions![0]!.url,
    ]) {
      expect((await fetch(url)).status).toBe(200);
    }
  });
  it('ffprobe reads the caption track the master lists (EXT-X-MEDIA SUBTITLES → media playlist → VTT)', async () => {
    const body = await (await get('master.m3u8')).text();
    expect(body).toContain(
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="subtitles/en.m3u8"',
    );
    expect(body).toMatch(/#EXT-X-STREAM-INF:[^\n]*SUBTITLES="subs"/);
    // ffmpeg 5.1's HLS demuxer skips subtitle renditions of a master ("Can't support the subtitle"), so
    // ffprobe reads the subtitle media playlist the master names, and through it the VTT (hls.js: e2e).
    const subUri = /TYPE=SUBTITLES,[^\n]*URI="([^"]+)"/.exec(body)![1]!;
    const probe = await probeSubtitlePlaylist(
      new URL(subUri, `${base}/stream/${token()}/${mediaId}/master.m3u8`),
    );
    expect(probe.streams).toEqual([
      expect.objectContaining({ codec_type: 'subtitle', codec_name: 'webvtt' }),
    ]);
    expect(probe.packets.length).toBe(1);
    // The subtitle playlist's one segment is the caption file, one level up, under the same token.
    const sub = await (await get('subtitles/en.m3u8')).text();
    expect(sub).toContain('\n../captions/en.vtt\n');
    const vtt = await get('captions/en.vtt');
    expect(vtt.status).toBe(200);
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(vtt.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(await vtt.text()).toContain('Hello from the captions');
    expect((await get('subtitles/fr.m3u8')).status).toBe(404);
    expect((await get('captions/fr.vtt')).status).toBe(404);
  }, 60_000);

  it('the MPD lists the caption as a text AdaptationSet whose BaseURL resolves to the VTT', async () => {
    const xml = await (await get('manifest.mpd')).text();
    const sets = [...xml.matchAll(/<AdaptationSet ([^>]*)>(.*?)<\/AdaptationSet>/g)].map((m) => ({
      attrs: Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
      inner: m[2]!,
    }));
    expect(sets.map((s) => s.attrs['contentType'])).toEqual(['video', 'audio', 'text']);
    const text = sets[2]!;
    expect(text.attrs).toMatchObject({ mimeType: 'text/vtt', lang: 'en' });
    expect(text.inner).toContain('<Label>English</Label>');
    const baseUrl = /<BaseURL>([^<]+)<\/BaseURL>/.exec(text.inner)![1]!;
    const resolved = new URL(baseUrl, `${base}/stream/${token()}/${mediaId}/manifest.mpd`);
    const res = await fetch(resolved);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Hello from the captions');
  });

  it('serves the storyboard under the token; its VTT image references resolve to the sprite there', async () => {
    const tok = token();
    const vttUrl = `${base}/stream/${tok}/${mediaId}/storyboard-vtt`;
    const vtt = await fetch(vttUrl);
    expect(vtt.status).toBe(200);
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    const refs = [...(await vtt.text()).matchAll(/^(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)$/gm)];
    expect(refs.length).toBeGreaterThan(0);
    const sprite = await fetch(new URL(refs[0]![1]!, vttUrl));
    expect(sprite.status).toBe(200);
    expect(sprite.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await sprite.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('captions and storyboard follow the token rules: expired, forged, other media 403; stranger 404', async () => {
    for (const file of ['captions/en.vtt', 'storyboard-vtt', 'storyboard-jpg', 'subtitles/en.m3u8']) {
      expect((await get(file, token(mediaId, -1000))).status).toBe(403);
      expect((await get(file, token(otherMediaId))).status).toBe(403);
      expect((await get(file, `${token().slice(0, -2)}xx`)).status).toBe(403);
      expect((await get(file, 's', { cookie: ownerCookie })).status).toBe(200);
      expect((await get(file, 's', { cookie: strangerCookie })).status).toBe(404);
      expect((await get(file, 's')).status).toBe(401);
    }
    // A file beside the ladder that is no caption or storyboard stays unserved.
    expect((await get('original')).status).toBe(404);
    expect((await get('poster-jpg')).status).toBe(404);
  });
});

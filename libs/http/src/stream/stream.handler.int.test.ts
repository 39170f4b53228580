import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '@fjord/auth';
// A test may run the worker's real ladder to get real segments to serve.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { probeVideo, renderCmafLadder } from '@fjord/media';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createVideoFixture, probeStreams, probeVideoPackets } from '@fjord/media/testing';
import { streamManifestOf, type StreamManifest } from '@fjord/queue';
import { createTestUser, toWebRequest } from '@fjord/testing';
import { createWebHarness, TINY_PNG } from '../test/web-test-harness';
import { createStreamHandler } from './stream.handler';
import { signStreamToken } from './stream-token';

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
    for (const url of [body.streams.hls, body.streams.dash]) {
      const { pathname } = new URL(url);
      const played = await fetch(`${base}${pathname}`);
      expect(played.status).toBe(200);
    }
    const image = await h.rest.getMedia(
      new Request(`http://localhost/api/v1/media/${otherMediaId}`, { headers: ownerAuth }),
      otherMediaId,
    );
    expect(((await image.json()) as { streams?: unknown }).streams).toBeUndefined();
  });
});

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenApiContract } from '@fjord/api/testing';
import { createApiKey } from '@fjord/auth';
import { createVideoFixture } from '@fjord/media/testing';
import { createFjordClient, FjordApiError, ResumableUploadError, TUS_UPLOAD_PATH } from '@fjord/sdk';
import { createTestUser } from '@fjord/testing';
import { createTusUploadServer } from '@fjord/http';
import { silentLogger, startPipeline, type Pipeline } from './pipeline-harness';

const CHUNK = 16 * 1024;

/** Passes `limit` bytes of the request on, then the connection dies (as a network failure would). */
function cutAfter(req: http.IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return new ReadableStream({
    start(controller) {
      req.on('data', (d: Buffer) => {
        if (seen >= limit) return;
        controller.enqueue(new Uint8Array(d.subarray(0, limit - seen)));
        seen += d.length;
        if (seen >= limit) {
          controller.error(new Error('connection reset'));
          req.socket.destroy();
        }
      });
    },
  });
}

/**
 * The SDK's resumable upload against the web app's real tus endpoint behind a real HTTP listener, the
 * real ingest, and the real transcode/db workers: the contract end to end, including a connection the
 * server kills in the middle of a PATCH.
 */
describe('@fjord/sdk uploadResumable over real HTTP (tus)', () => {
  let p: Pipeline;
  let server: http.Server;
  let baseUrl: string;
  let apiKey: string;
  const patches: { offset: number; killed: boolean }[] = [];
  /** 1-based index of the PATCH whose connection the server drops after part of its body. */
  let killPatchNumber = 0;
  // Every tus answer is checked against the OpenAPI document; a drift fails the test that caused it.
  const contract = createOpenApiContract();
  const contractViolations: string[] = [];
  afterEach(() => {
    expect(contractViolations.splice(0)).toEqual([]);
  });

  beforeAll(async () => {
    p = await startPipeline('resumable-upload', { TRANSCODE_CONCURRENCY: '2', FFMPEG_THREADS: '1' });
    await Promise.all([p.startWorker('transcode'), p.startWorker('db')]);
    const user = await createTestUser(p.db);
    apiKey = (await createApiKey({ db: p.db, userId: user.id, name: 'sdk' })).key;
    const tus = createTusUploadServer({
      db: p.db,
      ingest: p.ingest,
      config: p.config,
      logger: silentLogger,
      queues: p.queues,
    });

    server = http.createServer(async (req, res) => {
      if (!req.url?.startsWith(TUS_UPLOAD_PATH)) return res.writeHead(404).end();
      if (req.method === 'PATCH') {
        const isKilled = patches.length + 1 === killPatchNumber;
        patches.push({ offset: Number(req.headers['upload-offset']), killed: isKilled });
      }
      const hasBody = req.method === 'POST' || req.method === 'PATCH';
      try {
        const request = new Request(`http://${req.headers.host}${req.url}`, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: !hasBody
            ? undefined
            : patches.at(-1)?.killed && req.method === 'PATCH'
              ? cutAfter(req, CHUNK / 2)
              : (Readable.toWeb(req) as ReadableStream<Uint8Array>),
          duplex: 'half',
        } as RequestInit);
        const response = await tus.handle(request);
        await contract
          .assertResponseMatches({ method: request.method, url: request.url, response })
          .catch((err: Error) => contractViolations.push(err.message));
        if (res.destroyed) return;
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch {
        res.destroy();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    await p?.stop();
  });

  it('uploads a video in chunks, is stopped, resumes from its URL through a dropped connection, and the media is READY', async () => {
    const video = await createVideoFixture({ width: 640, height: 360, seconds: 5 });
    expect(video.length).toBeGreaterThan(6 * CHUNK);
    const file = path.join(p.config.dataDir, 'trip.mp4');
    writeFileSync(file, video);
    const client = createFjordClient({ baseUrl, apiKey });

    // 1. Stopped by the caller after two chunks; the URL was handed out before the first byte.
    const stopper = new AbortController();
    let savedUrl: string | undefined;
    const stopped = await client
      .uploadResumable(file, {
        chunkSize: CHUNK,
        signal: stopper.signal,
        onUploadUrl: (url) => {
          savedUrl = url;
        },
        onProgress: (sent) => {
          if (sent >= 2 * CHUNK) stopper.abort();
        },
      })
      .catch((err: unknown) => err);
    expect(stopped).toBeInstanceOf(ResumableUploadError);
    const { uploadUrl, offset } = stopped as ResumableUploadError;
    expect(uploadUrl).toBe(savedUrl);
    expect(uploadUrl).toContain(`${baseUrl}${TUS_UPLOAD_PATH}/`);
    expect(offset).toBe(2 * CHUNK);
    expect(patches).toHaveLength(2);

    // 2. Resumed from the URL; the server kills the connection in the middle of its second PATCH.
    killPatchNumber = patches.length + 2;
    const progress: number[] = [];
    const done = await client.uploadResumable(file, {
      uploadUrl,
      chunkSize: CHUNK,
      retryDelayMs: 20,
      onProgress: (sent) => progress.push(sent),
    });
    expect(done.uploadUrl).toBe(uploadUrl);
    expect(progress[0]).toBe(2 * CHUNK); // continued, not restarted
    expect(progress.at(-1)).toBe(video.length);
    const killed = patches.findIndex((x) => x.killed);
    expect(killed).toBeGreaterThan(0);
    // After the drop the client asked for the offset and went on from what the server had kept.
    const after = patches[killed + 1]!;
    // (@tus/server may keep or drop the bytes of a broken PATCH; either way the client follows it.)
    expect(after.offset).toBeGreaterThanOrEqual(patches[killed]!.offset);
    expect(after.offset).toBeLessThanOrEqual(patches[killed]!.offset + CHUNK / 2);
    expect(patches.every((x, i) => i === 0 || x.offset >= patches[i - 1]!.offset)).toBe(true);

    // 3. Byte-identical original, processed by the real workers.
    const media = await p.waitForStatus(done.mediaId, ['READY', 'FAILED'], 90_000);
    expect(media).toMatchObject({ status: 'READY', kind: 'VIDEO', originalName: 'trip.mp4' });
    expect(media.sha256).toBe(createHash('sha256').update(video).digest('hex'));
    expect((await p.storage.read(media.storageKey)).equals(video)).toBe(true);
    expect(await p.db.rendition.count({ where: { mediaId: done.mediaId } })).toBeGreaterThan(0);

    // Resuming a finished upload (its last answer lost on the way) gives the same media, sending nothing.
    const patchesBefore = patches.length;
    const again = await client.uploadResumable(file, { uploadUrl });
    expect(again.mediaId).toBe(done.mediaId);
    expect(patches).toHaveLength(patchesBefore);
    expect(await p.db.media.count({ where: { originalName: 'trip.mp4' } })).toBe(1);

    // Someone else's key learns nothing about it: a clear 404, as for any upload that is not theirs.
    const stranger = await createTestUser(p.db);
    const strangerKey = (await createApiKey({ db: p.db, userId: stranger.id, name: 'other' })).key;
    const refused = await createFjordClient({ baseUrl, apiKey: strangerKey })
      .uploadResumable(file, { uploadUrl })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FjordApiError);
    expect((refused as FjordApiError).status).toBe(404);
  });

  it('streams of known size work too, and a refusal (not a video) is an API error, not a retry loop', async () => {
    const client = createFjordClient({ baseUrl, apiKey });
    const text = Buffer.from('meeting notes\n'.repeat(5_000));
    const err = await client
      .uploadResumable(
        { stream: Readable.from([text.subarray(0, 30_000), text.subarray(30_000)]), size: text.length },
        { filename: 'notes.mp4', chunkSize: CHUNK },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FjordApiError);
    expect(err).toMatchObject({ status: 400, code: 'unsupported_type' });
    expect((err as Error).message).toMatch(/notes\.mp4 is not a supported image or video/);
  });
});

import { once } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhotoLikeJpeg } from '@fjord/media/testing';
import { IMAGE_VARIANTS, mediaJobId } from '@fjord/queue';
import { createTestUser, startOwnRedisServer, waitFor, type OwnRedisServer } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { createUploadKey, startWebProcess, uploadOverHttp, type WebProcess } from './web-process';

/** Every file under <storage>/media, temp files included, relative to the storage root. */
async function storedFiles(root: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, 'media'), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

async function sigkill(proc: WebProcess) {
  const exited = once(proc.child, 'exit');
  proc.child.kill('SIGKILL');
  await exited;
}

// The web process SIGKILLed (1) after the blob and the row, while its enqueue waits on a Redis that does
// not answer (its Redis behind a loopback proxy that stops forwarding), and (2) mid-stream, before any
// answer. No test hook in production code: the real upload handler, the real reconciler.
describe('web killed between "blob stored" and "flow enqueued", and mid-stream', () => {
  let redis: OwnRedisServer;
  let proxy: TcpProxy;
  let p: Pipeline;
  let apiKey: string;
  let webEnv: Record<string, string>;
  let photo: Buffer;

  beforeAll(async () => {
    redis = await startOwnRedisServer('web-crash');
    proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
    p = await startPipeline('web-crash', {
      REDIS_URL: redis.url,
      SWEEPER_INTERVAL_MS: '500',
      SWEEPER_STALE_AFTER_MS: '1500',
      ORPHAN_SWEEP_INTERVAL_MS: '1000',
      ORPHAN_BLOB_GRACE_MS: '3000',
    });
    const owner = await createTestUser(p.db);
    apiKey = await createUploadKey(p.db, owner.id);
    webEnv = { ...p.env, REDIS_URL: `redis://127.0.0.1:${proxy.port}`, LOG_LEVEL: 'warn' };
    [photo] = await Promise.all([
      createPhotoLikeJpeg({ width: 2400, height: 1600 }),
      p.startWorker('transcode'),
      p.startWorker('db'),
      p.startWorker('email'),
    ]);
  }, 180_000);

  afterAll(async () => {
    await p?.stop();
    await proxy?.close();
    await redis?.stop();
  });

  it('(1) killed while enqueueing: the reconciler takes the media to READY exactly once', async () => {
    const web = await startWebProcess(webEnv);
    let isAnswered = false;
    const response = uploadOverHttp({
      port: web.port,
      apiKey,
      filename: 'enqueue-cut.jpg',
      chunks: [photo.subarray(0, 64 * 1024), photo.subarray(64 * 1024)],
      // Past auth and the rate limit (both use Redis) once the blob is being written: then freeze Redis.
      beforeEnd: async () => {
        await waitFor(async () => (await storedFiles(p.config.storageDir)).some((f) => f.endsWith('.tmp')), {
          timeoutMs: 30_000,
          intervalMs: 20,
        });
        proxy.stall();
      },
    }).then(
      (r) => ((isAnswered = true), r),
      () => undefined,
    );
    const row = await waitFor(() => p.db.media.findFirst({ where: { originalName: 'enqueue-cut.jpg' } }), {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    expect(row.status).toBe('UPLOADED'); // blob stored, row written, flow not in Redis
    expect(await p.storage.stat(row.storageKey)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 500));
    expect(isAnswered).toBe(false); // still waiting on the enqueue
    expect(await p.queues.db.getJob(mediaJobId(row.id, 'finalize'))).toBeUndefined();
    await sigkill(web);
    expect(await response).toBeUndefined(); // the client never got its 202
    // Stays stalled: nothing the dead process had sent may reach Redis late.

    const media = await p.waitForStatus(row.id, ['READY', 'FAILED'], 60_000);
    expect({ status: media.status, error: media.error }).toEqual({ status: 'READY', error: null });
    const finalize = await p.queues.db.getJob(mediaJobId(row.id, 'finalize'));
    expect(finalize?.data.requestId).toBe(`reconciler-${row.id}`);
    const renditions = await p.db.rendition.findMany({ where: { mediaId: row.id } });
    expect(renditions.map((r) => r.name).sort()).toEqual(IMAGE_VARIANTS.map((v) => v.name).sort());
    for (const r of renditions) expect((await p.storage.stat(r.storageKey))?.size).toBe(Number(r.bytes));
    await waitFor(() => p.smtp.messages.some((m) => m.messageId === `<media-${row.id}-ready@fjord>`), {
      timeoutMs: 20_000,
    });
    await new Promise((r) => setTimeout(r, 2_000)); // a second email would have arrived by now
    expect(p.smtp.messages.filter((m) => m.messageId === `<media-${row.id}-ready@fjord>`)).toHaveLength(1);
    const files = (await storedFiles(p.config.storageDir)).filter((f) => f.includes(row.id));
    expect(files).toEqual([row.storageKey, ...renditions.map((r) => r.storageKey)].sort());
  }, 180_000);

  it('(2) killed mid-stream before the 202: no row, and the orphan sweep removes its partial file', async () => {
    const web = await startWebProcess(webEnv);
    const before = new Set(await storedFiles(p.config.storageDir));
    let partial: string | undefined;
    const response = uploadOverHttp({
      port: web.port,
      apiKey,
      filename: 'mid-stream.jpg',
      chunks: [photo.subarray(0, 64 * 1024), photo.subarray(64 * 1024)],
      beforeEnd: async () => {
        partial = await waitFor(
          async () =>
            (await storedFiles(p.config.storageDir)).find((f) => f.endsWith('.tmp') && !before.has(f)),
          { timeoutMs: 30_000, intervalMs: 20 },
        );
        await sigkill(web);
      },
    }).catch(() => undefined);
    expect(await response).toBeUndefined();
    expect(partial).toBeDefined();
    const mediaId = partial!.split('/')[1]!;
    expect(await storedFiles(p.config.storageDir)).toContain(partial); // what the crash left
    expect(await p.db.media.findUnique({ where: { id: mediaId } })).toBeNull();

    // Grace 3 s, a pass every 1 s: gone within seconds, folder and all.
    await waitFor(async () => !(await storedFiles(p.config.storageDir)).some((f) => f.includes(mediaId)), {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: `the orphan sweep to remove ${partial}`,
    });
    await expect(fs.stat(path.join(p.config.storageDir, 'media', mediaId))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await p.db.media.count({ where: { originalName: 'mid-stream.jpg' } })).toBe(0);
  }, 120_000);
});

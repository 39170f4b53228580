import { once } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhotoLikeJpeg } from '@fjord/media/testing';
import { IMAGE_VARIANTS, mediaJobId } from '@fjord/queue';
import { createTestUser, startOwnRedisServer, waitFor, type OwnRedisServer } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';

/** Every file under media/<id>/ (temp files of in-flight writes included), relative to the storage root. */
async function filesOf(root: string, mediaId: string): Promise<string[]> {
  const dir = path.join(root, 'media', mediaId);
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

// A transcode worker SIGSTOPped mid-job for longer than its lock: BullMQ hands the job to another worker,
// the media goes READY; then the stopped one is woken. Its late attempt must change nothing: no file
// written or overwritten, no row, no state change, no second email (docs/adr/0014-fenced-job-attempts.md).
describe('a worker woken past its lock (SIGSTOP, then SIGCONT)', () => {
  let redis: OwnRedisServer;
  let p: Pipeline;
  let owner: { id: string };

  beforeAll(async () => {
    redis = await startOwnRedisServer('stalled');
    // Lock 2 s (renewed every 1 s, stalled check every 1 s): the takeover happens within ~3 s.
    p = await startPipeline('stalled', { REDIS_URL: redis.url, WORKER_LOCK_DURATION_MS: '2000' });
    owner = await createTestUser(p.db);
    await Promise.all([p.startWorker('db'), p.startWorker('email')]);
  }, 120_000);

  afterAll(async () => {
    for (const w of p?.workers ?? []) if (w.child.exitCode === null) w.child.kill('SIGCONT');
    await p?.stop();
    await redis?.stop();
  });

  it("rejects the late attempt's result and every side effect of it", async () => {
    // AVIF effort 6 on 6 MP: the stopped worker is seconds away from writing when it is stopped; the
    // one that takes over renders at effort 2, so a late overwrite would not even have the row's size.
    const [stopped, photo] = await Promise.all([
      p.startWorker('transcode', { AVIF_EFFORT: '6', TRANSCODE_CONCURRENCY: '3' }),
      createPhotoLikeJpeg({ width: 3000, height: 2000 }),
    ]);
    const { id } = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'stalled.jpg', body: photo });
    const avifJobId = mediaJobId(id, 'transcode', 'w1280-avif');
    await waitFor(async () => (await p.queues.transcode.getJobState(avifJobId)) === 'active', {
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    stopped.child.kill('SIGSTOP');
    const avifBefore = (await filesOf(p.config.storageDir, id)).filter((f) => f.includes('w1280-avif'));
    expect(avifBefore).toEqual([]); // precondition: it was stopped before it wrote anything for the job

    const taker = await p.startWorker('transcode', { AVIF_EFFORT: '2' });
    const ready = await p.waitForStatus(id, ['READY', 'FAILED'], 60_000);
    expect(ready.status).toBe('READY');
    const job = await p.queues.transcode.getJob(avifJobId);
    expect(job?.attemptsStarted).toBeGreaterThanOrEqual(2);
    await waitFor(async () => p.smtp.messages.some((m) => m.messageId === `<media-${id}-ready@fjord>`), {
      timeoutMs: 20_000,
    });

    const rowsBefore = await p.db.rendition.findMany({ where: { mediaId: id }, orderBy: { name: 'asc' } });
    const filesBefore = await filesOf(p.config.storageDir, id);
    const inodes = async () =>
      Promise.all(
        rowsBefore.map(async (r) => (await fs.stat(path.join(p.config.storageDir, r.storageKey))).ino),
      );
    const inodesBefore = await inodes();
    const mediaBefore = await p.db.media.findUniqueOrThrow({ where: { id } });

    // Wake it: its render finishes, then it must find the job gone from under it.
    const mark = stopped.logs().length;
    const woken = () => stopped.logs().slice(mark);
    const isAttemptOver = () =>
      woken().includes('lost its lock') ||
      woken()
        .split('\n')
        .some((line) => line.includes('w1280-avif') && line.includes('variant rendered'));
    stopped.child.kill('SIGCONT');
    await waitFor(isAttemptOver, {
      timeoutMs: 150_000,
      intervalMs: 100,
      message: `the woken worker to finish its attempt; it logged:\n${woken().slice(-3000)}`,
    });
    // Whatever it still does after its render (a write, moveToCompleted) happens within this.
    await new Promise((r) => setTimeout(r, 3_000));

    const rowsAfter = await p.db.rendition.findMany({ where: { mediaId: id }, orderBy: { name: 'asc' } });
    expect(rowsAfter).toEqual(rowsBefore);
    expect(rowsAfter.map((r) => r.name)).toEqual(IMAGE_VARIANTS.map((v) => v.name).sort());
    expect(await filesOf(p.config.storageDir, id)).toEqual(filesBefore);
    expect(await inodes()).toEqual(inodesBefore); // not replaced by a rename either
    for (const r of rowsAfter) expect((await p.storage.stat(r.storageKey))?.size).toBe(Number(r.bytes));
    const mediaAfter = await p.db.media.findUniqueOrThrow({ where: { id } });
    expect(mediaAfter).toEqual(mediaBefore);
    const accepted = await p.queues.transcode.getJob(avifJobId);
    expect(await accepted?.getState()).toBe('completed');
    expect(accepted?.returnvalue).toEqual(job?.returnvalue);
    expect(p.smtp.messages.filter((m) => m.messageId === `<media-${id}-ready@fjord>`)).toHaveLength(1);
    expect(woken()).toMatch(/lost its lock/);
    expect(taker.child.exitCode).toBeNull();
    const exited = once(stopped.child, 'exit');
    stopped.child.kill('SIGKILL');
    await exited;
  }, 300_000);
});

// Three workers SIGKILLed in turn while each held the same job, as OOM kills or a crash-looping deploy
// would. Until ADR 0025 BullMQ failed the job on its third stall (maxStalledCount 2) and the upload ended
// FAILED with "job stalled more than allowable limit": an infrastructure fault failing a good file. Now a
// stall costs no attempt; from the second one the render runs in a child process of its own, which
// finishes: the file is innocent, the media ends READY, once.
describe('a job whose worker dies under it three times', () => {
  let redis: OwnRedisServer;
  let p: Pipeline;
  let owner: { id: string };

  beforeAll(async () => {
    redis = await startOwnRedisServer('stalls');
    p = await startPipeline('stalls', { REDIS_URL: redis.url, WORKER_LOCK_DURATION_MS: '2000' });
    owner = await createTestUser(p.db);
    await Promise.all([p.startWorker('db'), p.startWorker('email')]);
  }, 120_000);

  afterAll(async () => {
    await p?.stop();
    await redis?.stop();
  });

  it('is retried each time, rendered in isolation once suspect, and ends READY', async () => {
    const photo = await createPhotoLikeJpeg({ width: 3000, height: 2000 });
    const { id } = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'stalls.jpg', body: photo });
    const avifJobId = mediaJobId(id, 'transcode', 'w1280-avif');
    for (let kill = 1; kill <= 3; kill++) {
      // AVIF effort 6 on 6 MP keeps the job in hand for seconds: long enough to be killed in the middle.
      const doomed = await p.startWorker('transcode', { AVIF_EFFORT: '6' });
      await waitFor(
        async () => {
          const job = await p.queues.transcode.getJob(avifJobId);
          return (await job?.getState()) === 'active' && (job?.attemptsStarted ?? 0) >= kill;
        },
        { timeoutMs: 60_000, intervalMs: 20, message: `the avif job to be taken up for the ${kill}. time` },
      );
      const exited = once(doomed.child, 'exit');
      doomed.child.kill('SIGKILL');
      await exited;
    }
    const survivor = await p.startWorker('transcode', { AVIF_EFFORT: '2' });
    const done = await p.waitForStatus(id, ['READY', 'FAILED'], 120_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe('READY');

    const job = await p.queues.transcode.getJob(avifJobId);
    expect(job?.stalledCounter).toBeGreaterThanOrEqual(3);
    expect(job?.attemptsMade).toBeLessThanOrEqual(1); // a stall is no attempt: only the one that finished
    const { logs } = await p.queues.transcode.getJobLogs(avifJobId);
    expect(logs.some((line) => /rendering in a process of its own/.test(line))).toBe(true);
    expect(survivor.logs()).toMatch(/suspect job: rendering in isolation/);
    const rows = await p.db.rendition.findMany({ where: { mediaId: id } });
    expect(rows.map((r) => r.name).sort()).toEqual(IMAGE_VARIANTS.map((v) => v.name).sort());
    await waitFor(async () => p.smtp.messages.some((m) => m.messageId === `<media-${id}-ready@fjord>`), {
      timeoutMs: 20_000,
    });
    expect(p.smtp.messages.filter((m) => m.messageId === `<media-${id}-ready@fjord>`)).toHaveLength(1);
  }, 400_000);
});

import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaReprocessing } from '@fjord/ingest';
import { createJpegFixture, createVideoFixture } from '@fjord/media/testing';
import { IMAGE_VARIANTS, JobName, getMediaFlowState, waitUntilReady } from '@fjord/queue';
import { createTestUser, startOwnRedisServer, waitFor, type OwnRedisServer } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';
import { expectedStoredBytes, storedRenditionBytes } from '@fjord/storage';

const IMAGE_NAMES = IMAGE_VARIANTS.map((v) => v.name).sort();
// A 320×180 source: the 360p rung (never upscaled), a poster and a preview; no 720p/1080p.
const VIDEO_NAMES = ['cmaf', 'mp4', 'poster-jpg', 'preview-webp', 'storyboard-jpg', 'storyboard-vtt'];
const readyMessageId = (id: string) => `<media-${id}-ready@fjord>`;

describe('Redis restarted empty mid-burst (no persistence): Postgres re-drives everything', () => {
  let redis: OwnRedisServer;
  let p: Pipeline;
  let owner: { id: string; email: string };

  beforeAll(async () => {
    redis = await startOwnRedisServer('redis-loss');
    p = await startPipeline('redis-loss', {
      REDIS_URL: redis.url,
      SWEEPER_INTERVAL_MS: '1000',
      SWEEPER_STALE_AFTER_MS: '2000',
      TRANSCODE_CONCURRENCY: '2',
      FFMPEG_THREADS: '1',
      // Not the 2 s of the takeover tests: on a loaded box a missed lock renewal re-runs a notify job
      // mid-send (ADR 0002's resend-once window), which is not the fault this file is about.
      WORKER_LOCK_DURATION_MS: '10000',
    });
    owner = await createTestUser(p.db);
    await Promise.all([p.startWorker('transcode'), p.startWorker('db'), p.startWorker('email')]);
  }, 120_000);

  afterAll(async () => {
    await p?.stop();
    await redis?.stop();
  });

  const statusOf = async (ids: string[]) =>
    new Map(
      (await p.db.media.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } })).map(
        (m) => [m.id, m.status],
      ),
    );

  async function expectWhole(id: string, names: string[]) {
    const media = await p.db.media.findUniqueOrThrow({ where: { id }, include: { renditions: true } });
    expect(media.status).toBe('READY');
    expect(media.renditions.map((r) => r.name).sort()).toEqual(names);
    expect(await p.storage.stat(media.storageKey)).not.toBeNull();
    for (const r of media.renditions)
      expect(await storedRenditionBytes(p.storage, r.storageKey)).toBe(
        expectedStoredBytes(r, media.renditions),
      );
    return media;
  }

  /** Nothing left that could still send: every email the burst owes has arrived, and only once. */
  async function waitForOneEmailEach(ids: string[], timeoutMs: number) {
    await waitFor(
      async () => {
        const counts = await p.queues.email.getJobCounts('waiting', 'active', 'delayed', 'waiting-children');
        const isIdle = Object.values(counts).every((n) => n === 0);
        const seen = new Set(p.smtp.messages.map((m) => m.messageId));
        return isIdle && ids.every((id) => seen.has(readyMessageId(id)));
      },
      { timeoutMs, intervalMs: 100, message: 'one ready email per media' },
    );
    for (const id of ids) {
      expect(p.smtp.messages.filter((m) => m.messageId === readyMessageId(id))).toHaveLength(1);
    }
  }

  it('a burst of 20 images and a video, some READY, PROCESSING and QUEUED when Redis comes back empty, all end READY once', async () => {
    const [images, video] = await Promise.all([
      Promise.all(
        Array.from({ length: 20 }, (_, i) => createJpegFixture({ width: 640 + 16 * i, height: 480 })),
      ),
      createVideoFixture({ width: 320, height: 180, seconds: 2 }),
    ]);
    const uploads = await Promise.all([
      ...images.map((body, i) =>
        p.ingest.ingestUpload({ ownerId: owner.id, filename: `burst-${i}.jpg`, body }),
      ),
      p.ingest.ingestUpload({ ownerId: owner.id, filename: 'burst.mp4', body: video }),
    ]);
    const ids = uploads.map((u) => u.id);
    const videoId = uploads.find((u) => u.kind === 'VIDEO')!.id;

    const before = await waitFor(
      async () => {
        const s = [...(await statusOf(ids)).values()];
        return s.includes('READY') && s.includes('PROCESSING') && s.includes('QUEUED')
          ? statusOf(ids)
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 10, message: 'some media READY, some PROCESSING, some QUEUED' },
    );
    const { answeredAt } = await redis.restartEmpty();
    const unfinished = ids.filter((id) => before.get(id) !== 'READY');
    // Still QUEUED just before Redis went: their old flow cannot reach finalize any more, so only a
    // re-drive finishes them. (A PROCESSING one whose old finalize was already running may still commit
    // that run: READY and whole as well.)
    const mustRedrive = ids.filter((id) => before.get(id) === 'QUEUED');
    expect(mustRedrive.length).toBeGreaterThan(0);
    const stuckProcessing = ids.filter((id) => before.get(id) === 'PROCESSING').length;
    await waitUntilReady(p.queues.connection, 10_000);

    // Re-driven: every media has a live flow again (or is already done).
    const notRedriven = async () => {
      const statuses = await statusOf(ids);
      const left: string[] = [];
      for (const id of ids) {
        const status = statuses.get(id);
        if (status === 'READY' || status === 'FAILED') continue;
        const flow = await getMediaFlowState(p.queues, id);
        if (flow !== 'live') left.push(`${id} ${status} flow ${flow}`);
      }
      return left;
    };
    await waitFor(async () => (await notRedriven()).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 100,
    }).catch(async (err: unknown) => {
      const dbLog = p.workers.find((w) => w.name === 'db')!.logs();
      throw new Error(`not re-driven: ${(await notRedriven()).join('; ')}\n${dbLog.slice(-4000)}`, {
        cause: err,
      });
    });
    const redrivenAfterMs = Date.now() - answeredAt;

    await waitFor(
      async () => [...(await statusOf(ids)).values()].every((s) => s === 'READY' || s === 'FAILED'),
      {
        timeoutMs: 120_000,
        intervalMs: 100,
        message: 'every media of the burst READY',
      },
    );
    const readyAfterMs = Date.now() - answeredAt;
    await waitForOneEmailEach(ids, 60_000);
    const emailedAfterMs = Date.now() - answeredAt;

    for (const id of ids) {
      const media = await expectWhole(id, id === videoId ? VIDEO_NAMES : IMAGE_NAMES);
      // Re-driven as a fresh run, under its own keys.
      if (mustRedrive.includes(id)) {
        for (const r of media.renditions)
          expect(r.storageKey).toMatch(new RegExp(`^media/${id}/r/[a-z0-9]+/`));
      }
    }
    expect(await p.db.notification.count({ where: { mediaId: { in: ids }, sentAt: { not: null } } })).toBe(
      ids.length,
    );
    expect(await p.queues.maintenance.getJobScheduler(JobName.sweepStuckMedia)).toBeDefined();
    const dbLogs = p.workers.find((w) => w.name === 'db')!.logs();
    expect(dbLogs).toContain('maintenance schedule was missing in Redis');
    console.log(
      `[redis-loss] ${ids.length} media (${unfinished.length} unfinished at the restart, ${stuckProcessing} PROCESSING): ` +
        `all re-driven ${redrivenAfterMs} ms, all READY ${readyAfterMs} ms and all emailed ${emailedAfterMs} ms after Redis answered again`,
    );
  }, 240_000);

  it('a reprocess whose flow was lost with Redis still ends READY with the new run, and sends no second email', async () => {
    const { id } = await p.ingest.ingestUpload({
      ownerId: owner.id,
      filename: 'again.jpg',
      body: await createJpegFixture({ width: 900, height: 600 }),
    });
    await p.waitForStatus(id, ['READY']);
    await waitForOneEmailEach([id], 20_000);
    const oldKeys = (await p.db.rendition.findMany({ where: { mediaId: id } })).map((r) => r.storageKey);

    // No transcode worker: the reprocess's flow waits in Redis, and is lost with it.
    const transcode = p.workers.find((w) => w.name === 'transcode' && w.child.exitCode === null)!;
    const exited = once(transcode.child, 'exit');
    transcode.child.kill('SIGTERM');
    await exited;
    await createMediaReprocessing({ db: p.db, queues: p.queues, enqueuer: p.enqueuer })(id);
    expect((await p.db.media.findUniqueOrThrow({ where: { id } })).status).toBe('QUEUED');
    const { answeredAt } = await redis.restartEmpty();
    await waitUntilReady(p.queues.connection, 10_000);
    expect(await p.queues.email.getJob(`media.${id}.notify`)).toBeUndefined();
    await p.startWorker('transcode');

    await p.waitForStatus(id, ['READY'], 90_000);
    const media = await expectWhole(id, IMAGE_NAMES);
    expect(media.renditions.map((r) => r.storageKey).filter((k) => oldKeys.includes(k))).toEqual([]);
    // Finalize deletes the old set's files right after its transaction.
    await waitFor(async () => (await Promise.all(oldKeys.map((k) => p.storage.stat(k)))).every((st) => !st), {
      timeoutMs: 10_000,
      message: "the old set's files deleted",
    });
    await waitForOneEmailEach([id], 20_000); // MEDIA_READY was sent by the first run: not again
    console.log(`[redis-loss] lost reprocess READY ${Date.now() - answeredAt} ms after Redis answered again`);
  }, 180_000);
});

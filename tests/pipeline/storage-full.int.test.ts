import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJpegFixture, createVideoFixture } from '@fjord/media/testing';
import { mediaJobId, variantNamesFor } from '@fjord/queue';
import { createTestUser, mountTmpfs, waitFor } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';

const MiB = 1024 * 1024;
const JOB_ATTEMPTS = 3;
/** More waits than JOB_ATTEMPTS: without the storage-full rule the media would have FAILED by then. */
const WAITS_BEFORE_FREEING = JOB_ATTEMPTS + 1;

// Blobs and ffmpeg's scratch space on one real 16 MiB file system that the test fills.
const disk = await mountTmpfs({ sizeBytes: 16 * MiB, label: 'pipeline' });

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe.skipIf(!disk.mount)(`processing when the disk fills ${disk.skipReason ?? ''}`, () => {
  const mount = disk.mount!;
  const blobsDir = path.join(mount.dir, 'blobs');
  let p: Pipeline;
  let owner: { id: string };

  beforeAll(async () => {
    p = await startPipeline('storage-full', {
      STORAGE_DIR: blobsDir,
      TRANSCODE_TEMP_DIR: path.join(mount.dir, 'tmp'),
      JOB_ATTEMPTS: String(JOB_ATTEMPTS),
      JOB_BACKOFF_MS: '200',
      TRANSCODE_CONCURRENCY: '2',
      FFMPEG_THREADS: '1',
    });
    owner = await createTestUser(p.db);
    // One at a time: three tsx start-ups at once can miss the harness's 30 s on a busy machine.
    for (const name of ['transcode', 'db', 'email'] as const) await p.startWorker(name);
  }, 180_000);
  afterAll(async () => {
    await p?.stop();
    await mount.unmount();
  });

  async function storageFullWaits(jobId: string): Promise<number> {
    const { logs } = await p.queues.transcode.getJobLogs(jobId);
    return logs.filter((line) => line.includes('infrastructure fault, retrying in ')).length;
  }

  it('renditions that hit ENOSPC wait for space without spending attempts; READY once it is freed', async () => {
    // Originals stored while there is room; the transcode queue held until the disk is full.
    await p.queues.transcode.pause();
    const jpeg = await createJpegFixture({ width: 1600, height: 1200 });
    const clip = await createVideoFixture({ width: 320, height: 180, seconds: 2 });
    const image = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'fjord.jpg', body: jpeg });
    const video = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'fjord.mp4', body: clip });
    const tempDir = path.join(mount.dir, 'tmp');
    await fs.mkdir(tempDir); // ffmpeg's scratch space (TRANSCODE_TEMP_DIR must exist)
    const originals = await listFiles(blobsDir);
    expect(originals).toHaveLength(2);
    const filled = await mount.fill();
    expect(await mount.availableBytes()).toBe(0);
    await p.queues.transcode.resume();

    // Every output needs the disk (the download MP4 is the cmaf child's).
    const waiting = [
      ...variantNamesFor('IMAGE').map((v) => mediaJobId(image.id, 'transcode', v)),
      ...['cmaf', 'poster-jpg', 'preview-webp', 'storyboard-jpg'].map((v) =>
        mediaJobId(video.id, 'transcode', v),
      ),
    ];
    const fullSince = Date.now();
    let waits: number[] = [];
    await waitFor(
      async () => {
        waits = await Promise.all(waiting.map(storageFullWaits));
        return waits.every((n) => n >= WAITS_BEFORE_FREEING);
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    ).catch(async (err: Error) => {
      const jobs = await Promise.all(
        waiting.map(async (id) => {
          const job = await p.queues.transcode.getJob(id);
          return `${id}: ${await job?.getState()} ${job?.failedReason ?? ''}`;
        }),
      );
      throw new Error(`${err.message}; waits ${waits.join(',')}\n${jobs.join('\n')}`);
    });
    const waitedMs = Date.now() - fullSince;
    for (const id of waiting) {
      const job = await p.queues.transcode.getJob(id);
      expect(job?.attemptsMade).toBe(0); // no attempt spent on the full disk
    }
    for (const id of [image.id, video.id]) {
      const media = await p.db.media.findUniqueOrThrow({ where: { id } });
      expect(media.status).toBe('PROCESSING');
      expect(media.error).toBeNull();
    }
    // Nothing half-written: only the originals (no rendition, no temp file), ffmpeg's scratch space
    // empty. Looked at with no job mid-attempt (a put in progress has its temp file for a moment).
    await p.queues.transcode.pause();
    await waitFor(async () => (await p.queues.transcode.getActiveCount()) === 0, { timeoutMs: 30_000 });
    expect(await listFiles(blobsDir)).toEqual(originals);
    expect(await listFiles(tempDir)).toEqual([]);
    await p.queues.transcode.resume();

    await mount.free();
    const freedAt = Date.now();
    const [imageDone, videoDone] = await Promise.all([
      p.waitForStatus(image.id, ['READY', 'FAILED'], 120_000),
      p.waitForStatus(video.id, ['READY', 'FAILED'], 120_000),
    ]);
    const resumeMs = Date.now() - freedAt;
    expect(imageDone.status).toBe('READY');
    expect(videoDone.status).toBe('READY');
    expect(await p.db.rendition.count({ where: { mediaId: image.id } })).toBe(3);
    expect(await p.db.rendition.count({ where: { mediaId: video.id } })).toBe(6);
    // By subject: under heavy load a stalled notify job may send its (same Message-ID) mail twice.
    const subjects = await waitFor(
      () => {
        const seen = new Set(p.smtp.messages.map((m) => m.subject));
        return seen.size >= 2 ? [...seen].sort() : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(subjects).toEqual(['Ready: fjord.jpg', 'Ready: fjord.mp4']);
    console.info(
      `[storage-full] tmpfs ${mount.sizeBytes / MiB} MiB, filler ${(filled / MiB).toFixed(1)} MiB; ` +
        `${waiting.length} outputs waited ${WAITS_BEFORE_FREEING}+ times over ${waitedMs} ms; ` +
        `READY ${resumeMs} ms after the space was freed`,
    );
  }, 300_000);
});

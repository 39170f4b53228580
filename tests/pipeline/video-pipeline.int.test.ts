import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@fjord/errors';
import { createMediaDeletion, createMediaReprocessing } from '@fjord/ingest';
import { HLS_PASSWD_PLAYLIST, createVideoFixture, probeFile, truncateFixture } from '@fjord/media/testing';
import {
  StreamManifestSchema,
  VIDEO_VARIANTS,
  createMediaEventPublisher,
  createQueueAdmin,
  variantNamesFor,
} from '@fjord/queue';
import { originalKey } from '@fjord/storage';
import { createTestUser, waitFor } from '@fjord/testing';
import { silentLogger, startPipeline, type Pipeline } from './pipeline-harness';

const ffmpegRunningFor = (mediaId: string) => {
  try {
    return (
      execFileSync('pgrep', ['-f', `ffmpeg.*${mediaId}`])
        .toString()
        .trim() !== ''
    );
  } catch {
    return false;
  }
};

describe('video pipeline (ffmpeg in worker-transcode, real workers)', () => {
  let p: Pipeline;
  let owner: { id: string };

  beforeAll(async () => {
    p = await startPipeline('video-pipeline', { TRANSCODE_CONCURRENCY: '2', FFMPEG_THREADS: '1' });
    owner = await createTestUser(p.db);
    await Promise.all([p.startWorker('transcode'), p.startWorker('db'), p.startWorker('email')]);
  });
  afterAll(async () => {
    await p?.stop();
  });

  const upload = (filename: string, body: Buffer) =>
    p.ingest.ingestUpload({ ownerId: owner.id, filename, body });

  async function renditionsOf(mediaId: string) {
    const rows = await p.db.rendition.findMany({ where: { mediaId }, orderBy: { name: 'asc' } });
    // The CMAF ladder's row is a folder (probed through its playlists in stream.handler.int.test.ts).
    const files = rows.filter((r) => !r.storageKey.endsWith('/'));
    return Promise.all(
      files.map(async (r) => ({ ...r, probe: await probeFile(p.storage.localPath!(r.storageKey)) })),
    );
  }
  const videoStream = (probe: Awaited<ReturnType<typeof probeFile>>) =>
    probe.streams.find((s) => s.codec_type === 'video');

  it('MP4 (H.264/AAC) and WebM (VP9/Opus) reach READY with a ladder that never upscales, a poster and a preview', async () => {
    const [mp4, webm] = await Promise.all([
      upload('holiday.mp4', await createVideoFixture({ width: 854, height: 480, seconds: 2 })),
      upload(
        'screen.webm',
        await createVideoFixture({ width: 320, height: 180, seconds: 2, container: 'webm' }),
      ),
    ]);
    expect(mp4).toMatchObject({ kind: 'VIDEO', status: 'QUEUED' });
    const [m, w] = await Promise.all([
      p.waitForStatus(mp4.id, ['READY', 'FAILED'], 90_000),
      p.waitForStatus(webm.id, ['READY', 'FAILED'], 90_000),
    ]);
    expect(m).toMatchObject({
      status: 'READY',
      width: 854,
      height: 480,
      videoCodec: 'h264',
      audioCodec: 'aac',
      rotation: 0,
      mimeType: 'video/mp4',
    });
    expect(m.durationMs).toBeGreaterThan(1800);
    expect(m.bitrate).toBeGreaterThan(0);
    expect(w).toMatchObject({
      status: 'READY',
      width: 320,
      height: 180,
      videoCodec: 'vp9',
      audioCodec: 'opus',
      mimeType: 'video/webm',
    });

    const mr = await renditionsOf(mp4.id);
    // One progressive MP4: the ladder's top rung (720p capped at the source's 480) + audio, remuxed.
    expect(mr.map((r) => r.name)).toEqual([
      'mp4',
      'poster-jpg',
      'preview-webp',
      'storyboard-jpg',
      'storyboard-vtt',
    ]);
    const byName = (rows: typeof mr, name: string) => rows.find((r) => r.name === name)!;
    // The streaming ladder of the same source: 240p + 360p + a 720p rung capped at 480, one audio track,
    // every listed file stored under the row's folder.
    const ladder = await p.db.rendition.findUnique({
      where: { mediaId_name: { mediaId: mp4.id, name: 'cmaf' } },
    });
    const stream = StreamManifestSchema.parse(ladder?.stream);
    expect(stream.rungs.map((r) => `${r.name}:${r.width}x${r.height}`)).toEqual([
      'v240:428x240',
      'v360:640x360',
      'v720:854x480',
    ]);
    expect(stream.audio?.codecs).toBe('mp4a.40.2');
    for (const t of [...stream.rungs, stream.audio!]) {
      for (const f of [t.init, ...t.segments.map((x) => x.uri)]) {
        expect(await p.storage.stat(`${ladder!.storageKey}${f}`)).not.toBeNull();
      }
    }
    expect(videoStream(byName(mr, 'mp4').probe)).toMatchObject({
      codec_name: 'h264',
      width: 854,
      height: 480,
    });
    // Inside the ladder's folder, so the ladder's reprocess and deletion carry it.
    expect(byName(mr, 'mp4').storageKey).toBe(`${ladder!.storageKey}download.mp4`);
    for (const name of ['mp4']) {
      const r = byName(mr, name);
      expect(r.probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
      expect(r).toMatchObject({ mimeType: 'video/mp4', bitrate: expect.any(Number) });
      expect(r.durationMs).toBeGreaterThan(1800);
      expect(r.bytes).toBeGreaterThan(0);
    }
    expect(videoStream(byName(mr, 'poster-jpg').probe)).toMatchObject({
      codec_name: 'mjpeg',
      width: 854,
      height: 480,
    });
    expect(videoStream(byName(mr, 'preview-webp').probe)?.codec_name).toBe('webp');
    // The storyboard: a 160 px-tile sprite (one tile per 2 s) and its WebVTT pointing into it.
    expect(videoStream(byName(mr, 'storyboard-jpg').probe)).toMatchObject({
      codec_name: 'mjpeg',
      height: 90,
    });
    const storyboard = byName(mr, 'storyboard-vtt');
    expect(storyboard.mimeType).toBe('text/vtt; charset=utf-8');
    const vtt = (await p.storage.read(storyboard.storageKey)).toString('utf8');
    expect(vtt).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:02\.000\nstoryboard-jpg#xywh=0,0,160,90\n/);

    const wr = await renditionsOf(webm.id);
    expect(wr.map((r) => r.name)).toEqual([
      'mp4',
      'poster-jpg',
      'preview-webp',
      'storyboard-jpg',
      'storyboard-vtt',
    ]);
    expect(videoStream(byName(wr, 'mp4').probe)).toMatchObject({
      codec_name: 'h264',
      width: 320,
      height: 180,
    });
    // Two uploads, each with the CMAF ladder and its remuxed MP4, on a shared 2-core machine.
  }, 150_000);

  it('reprocess re-runs the video flow: the old set stays whole until the new one commits, then its files go', async () => {
    const queueAdmin = createQueueAdmin({ queues: p.queues, prefix: p.config.QUEUE_PREFIX });
    const reprocess = createMediaReprocessing({ db: p.db, queues: p.queues, enqueuer: p.enqueuer });
    const filesOf = (id: string) =>
      execFileSync('find', [p.config.storageDir, '-path', `*${id}/r/*`, '-type', 'f'])
        .toString()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((f) => f.slice(p.config.storageDir.length + 1))
        .sort();
    try {
      const { id } = await upload(
        'clip.mp4',
        await createVideoFixture({ width: 320, height: 180, seconds: 2 }),
      );
      await p.waitForStatus(id, ['READY', 'FAILED'], 60_000);
      const before = await p.db.rendition.findMany({ where: { mediaId: id }, orderBy: { name: 'asc' } });
      const oldKeys = before.map((r) => r.storageKey).sort();
      expect(before.map((r) => r.name)).toEqual([
        'cmaf',
        'mp4',
        'poster-jpg',
        'preview-webp',
        'storyboard-jpg',
        'storyboard-vtt',
      ]);
      const isStored = async (key: string) => {
        if (!key.endsWith('/')) return (await p.storage.stat(key)) !== null;
        for await (const _ of p.storage.list(key)) return true;
        return false;
      };
      const inFolder = (keys: string[]) => (f: string) =>
        keys.some((k) => k.endsWith('/') && f.startsWith(k));
      const oldFiles = filesOf(id);
      expect(oldFiles.filter((f) => !oldKeys.includes(f) && !inFolder(oldKeys)(f))).toEqual([]);
      expect(oldFiles.some(inFolder(oldKeys))).toBe(true);
      const notifyId = `media.${id}.notify`;
      await waitFor(async () => (await queueAdmin.getJobState(notifyId))?.state === 'completed', {
        timeoutMs: 30_000,
        message: 'the first flow to finish',
      });

      await reprocess(id);
      // A second request while the new run is queued or running is refused.
      await expect(reprocess(id)).rejects.toMatchObject({ code: 'conflict' });

      // Until finalize commits, the rows are the old set and its files are all there; after it, the new
      // set only. Never a mix, never a row without its file.
      const seen = new Set<string>();
      const ready = await waitFor(
        async () => {
          const [media, rows] = await Promise.all([
            p.db.media.findUnique({ where: { id } }),
            p.db.rendition.findMany({ where: { mediaId: id }, select: { storageKey: true } }),
          ]);
          const keys = rows.map((r) => r.storageKey).sort();
          const isOld = JSON.stringify(keys) === JSON.stringify(oldKeys);
          seen.add(isOld ? 'old' : 'new');
          if (isOld) for (const k of keys) expect(await isStored(k)).toBe(true);
          else expect(keys.some((k) => oldKeys.includes(k))).toBe(false);
          return media?.status === 'READY' || media?.status === 'FAILED' ? media : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 50 },
      );
      expect(seen.has('old')).toBe(true);
      expect(ready).toMatchObject({ status: 'READY', width: 320, height: 180, videoCodec: 'h264' });

      const after = await renditionsOf(id);
      expect(after.map((r) => r.name)).toEqual([
        'mp4',
        'poster-jpg',
        'preview-webp',
        'storyboard-jpg',
        'storyboard-vtt',
      ]);
      const newRows = await p.db.rendition.findMany({ where: { mediaId: id }, select: { storageKey: true } });
      const newKeys = newRows.map((r) => r.storageKey).sort();
      expect(newKeys.filter((k) => oldKeys.includes(k))).toEqual([]);
      expect(videoStream(after.find((r) => r.name === 'mp4')!.probe)).toMatchObject({
        codec_name: 'h264',
        width: 320,
        height: 180,
      });
      // Exactly one set on disk: the old run's files were deleted after the commit.
      await waitFor(() => filesOf(id).every((f) => newKeys.includes(f) || inFolder(newKeys)(f)), {
        timeoutMs: 10_000,
        message: 'old rendition files to be deleted',
      });
    } finally {
      await queueAdmin.close();
    }
  });

  it('a phone video with rotation metadata keeps its portrait orientation', async () => {
    const { id } = await upload(
      'upright.mp4',
      await createVideoFixture({ width: 320, height: 180, rotate: 90 }),
    );
    expect(await p.waitForStatus(id, ['READY', 'FAILED'], 60_000)).toMatchObject({
      status: 'READY',
      width: 180,
      height: 320,
      rotation: 90,
    });
    const v360 = (await renditionsOf(id)).find((r) => r.name === 'mp4')!;
    expect(v360).toMatchObject({ width: 180, height: 320 });
    expect(videoStream(v360.probe)).toMatchObject({ width: 180, height: 320 });
  });

  it('refuses a text file named .mp4 and an HLS playlist at upload; a truncated MP4 ends FAILED with a reason', async () => {
    for (const [name, body, looks] of [
      ['notes.mp4', Buffer.from('meeting notes\n'.repeat(40)), 'plain text'],
      ['evil.mp4', HLS_PASSWD_PLAYLIST, 'an HLS playlist'],
    ] as const) {
      const err = await upload(name, body).catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('unsupported_type');
      expect((err as Error).message).toContain(
        `${name} is not a supported image or video: it looks like ${looks}`,
      );
    }
    const { id } = await upload('cut.mp4', truncateFixture(await createVideoFixture({ seconds: 2 }), 0.5));
    const failed = await p.waitForStatus(id, ['READY', 'FAILED'], 60_000);
    expect(failed).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/corrupt or truncated/) });
    expect(await p.db.rendition.count({ where: { mediaId: id } })).toBe(0);
  });

  it('the worker is a gate of its own: a playlist that reached storage is refused by the probe, nothing read', async () => {
    const id = randomUUID();
    const storageKey = originalKey(id, 'mp4');
    const stored = await p.storage.put(storageKey, HLS_PASSWD_PLAYLIST);
    await p.db.media.create({
      data: {
        id,
        ownerId: owner.id,
        kind: 'VIDEO',
        status: 'QUEUED',
        originalName: 'evil.mp4',
        mimeType: 'video/mp4',
        sizeBytes: BigInt(stored.bytes),
        sha256: stored.sha256,
        storageKey,
        variantsTotal: VIDEO_VARIANTS.length,
      },
    });
    await p.enqueuer.enqueueMediaFlow({
      mediaId: id,
      run: 1,
      kind: 'VIDEO',
      variants: variantNamesFor('VIDEO'),
    });
    const failed = await p.waitForStatus(id, ['READY', 'FAILED'], 60_000);
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: expect.stringMatching(/^This is not a video file/),
    });
    expect(await p.db.rendition.count({ where: { mediaId: id } })).toBe(0);
  });

  it('deleting a media while it processes kills its ffmpeg within seconds and removes its blobs', async () => {
    const events = createMediaEventPublisher(p.config);
    const queueAdmin = createQueueAdmin({ queues: p.queues, prefix: p.config.QUEUE_PREFIX });
    const deleteMedia = createMediaDeletion({
      ...p,
      events,
      queueAdmin,
      logger: silentLogger,
    });
    try {
      // Big enough to keep ffmpeg busy for a while on one thread.
      const { id } = await upload(
        'long.mp4',
        await createVideoFixture({ width: 1280, height: 720, seconds: 20 }),
      );
      await waitFor(() => ffmpegRunningFor(id), {
        timeoutMs: 30_000,
        intervalMs: 50,
        message: 'ffmpeg to start',
      });
      const startedAt = Date.now();
      expect(await deleteMedia(id)).toMatchObject({ deleted: true });
      await waitFor(() => !ffmpegRunningFor(id), {
        timeoutMs: 5_000,
        intervalMs: 50,
        message: 'ffmpeg to stop',
      });
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect(await p.db.media.findUnique({ where: { id } })).toBeNull();
      // Renditions finished before the kill are gone too; nothing of this media is left on disk.
      await waitFor(async () => (await p.storage.stat(originalKey(id, 'mp4'))) === null);
      const leftovers = execFileSync('find', [p.config.storageDir, '-path', `*${id}*`, '-type', 'f'])
        .toString()
        .trim();
      expect(leftovers).toBe('');
    } finally {
      await Promise.allSettled([events.close(), queueAdmin.close()]);
    }
  });
});

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorageFullError } from '@fjord/errors';
import { mountTmpfs } from '@fjord/testing';
import { HLS_PASSWD_PLAYLIST, createVideoFixture, probeFile, truncateFixture } from '../testing/fixtures';
import { probeVideo } from './probe-video.service';
import { renderVideoVariant } from './render-video-variant.service';
import { FfmpegAbortedError, runFfmpeg } from './run-ffmpeg.service';
import type { VideoVariantSpec } from './video.types';

const v360: VideoVariantSpec = {
  name: 'v360-mp4',
  kind: 'rendition',
  shortSide: 360,
  skipUnlessSourceAbove: 0,
  crf: 28,
};
const poster: VideoVariantSpec = {
  name: 'poster-jpg',
  kind: 'poster',
  shortSide: 720,
  skipUnlessSourceAbove: 0,
};
const preview: VideoVariantSpec = {
  name: 'preview-webp',
  kind: 'preview',
  shortSide: 120,
  skipUnlessSourceAbove: 0,
  previewSeconds: 1,
};
const opts = { threads: 1, timeoutMs: 30_000 };

let dir: string;
const write = async (name: string, data: Buffer) => {
  const file = path.join(dir, name);
  await fs.writeFile(file, data);
  return file;
};
const isRunning = (marker: string) => {
  try {
    return execFileSync('pgrep', ['-f', marker]).toString().trim() !== '';
  } catch {
    return false; // pgrep exits 1 when nothing matches
  }
};

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-video-test-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('video processing with ffmpeg', () => {
  it('probes an MP4 and renders a faststart H.264/AAC rendition, reporting progress', async () => {
    const input = await write('in.mp4', await createVideoFixture({ width: 640, height: 360, seconds: 2 }));
    const info = await probeVideo(input);
    expect(info).toMatchObject({
      demuxer: 'mov',
      width: 640,
      height: 360,
      rotation: 0,
      videoCodec: 'h264',
      audioCodec: 'aac',
    });
    expect(info.durationMs).toBeGreaterThan(1800);
    const progress: number[] = [];
    const out = await renderVideoVariant({
      input,
      info,
      variant: v360,
      opts: { ...opts, onProgress: (f) => progress.push(f) },
    });
    try {
      const probe = await probeFile(out.path);
      const video = probe.streams.find((s) => s.codec_type === 'video');
      expect(video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
      expect(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
      const bytes = await fs.readFile(out.path);
      expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat')); // +faststart
      expect(out).toMatchObject({ width: 640, height: 360, bytes: bytes.length, mimeType: 'video/mp4' });
      expect(progress.at(-1)).toBe(1);
    } finally {
      await out.cleanup();
    }
    await expect(fs.stat(path.dirname(out.path))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads VP9/Opus WebM, makes a JPEG poster and an animated WebP preview', async () => {
    const input = await write(
      'in.webm',
      await createVideoFixture({ width: 320, height: 180, container: 'webm' }),
    );
    const info = await probeVideo(input);
    expect(info).toMatchObject({ demuxer: 'matroska', videoCodec: 'vp9', audioCodec: 'opus' });
    for (const variant of [poster, preview]) {
      const out = await renderVideoVariant({ input, info, variant, opts });
      const probe = await probeFile(out.path);
      expect(probe.streams[0]?.codec_name).toBe(variant.kind === 'poster' ? 'mjpeg' : 'webp');
      await out.cleanup();
    }
  });

  it('honours rotation: a phone video stored landscape with rotate=90 comes out portrait', async () => {
    const input = await write('rot.mp4', await createVideoFixture({ width: 320, height: 180, rotate: 90 }));
    const info = await probeVideo(input);
    expect(info).toMatchObject({ rotation: 90, width: 180, height: 320 });
    const out = await renderVideoVariant({ input, info, variant: v360, opts });
    const video = (await probeFile(out.path)).streams.find((s) => s.codec_type === 'video');
    expect(video).toMatchObject({ width: 180, height: 320 });
    expect(video?.side_data_list?.find((s) => s.rotation)).toBeUndefined(); // pixels turned, no flag left
    await out.cleanup();
  });

  it('refuses a truncated MP4, an HLS playlist pointing at /etc/passwd and a text file named .mp4', async () => {
    const truncated = await write('cut.mp4', truncateFixture(await createVideoFixture({ seconds: 2 }), 0.5));
    await expect(probeVideo(truncated)).rejects.toMatchObject({ kind: 'corrupt', isPermanent: true });
    const playlist = await write('evil.mp4', HLS_PASSWD_PLAYLIST);
    await expect(probeVideo(playlist)).rejects.toMatchObject({
      kind: 'unsupported',
      message: expect.stringMatching(/^This is not a video file/),
    });
    const text = await write('notes.mp4', Buffer.from('just some notes\n'.repeat(50)));
    await expect(probeVideo(text)).rejects.toMatchObject({ kind: 'unsupported', isPermanent: true });
  });

  it('stops a rendition that needs more than its time by the timer, not by ffmpeg’s CPU backstop', async () => {
    // 300 frames of 720p at veryfast: seconds of work, and more CPU-seconds than wall seconds. With
    // -timelimit at the timeout itself, ffmpeg exited on SIGXCPU first ("Exiting normally, received signal
    // 24"): "The video could not be processed", unclassified and retried. Now the timer decides — too_large,
    // or on a machine too busy to give it half the time, a retry (which verdict depends on the load; both
    // sides are tested in decoder-child.int.test.ts).
    const input = await write(
      'long.mp4',
      await createVideoFixture({ width: 1280, height: 720, seconds: 20 }),
    );
    const info = await probeVideo(input);
    const v720: VideoVariantSpec = { ...v360, name: 'v720-mp4', shortSide: 720 };
    const err = await renderVideoVariant({
      input,
      info,
      variant: v720,
      opts: { threads: 8, timeoutMs: 2000 },
      tempRoot: dir,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^(Video processing took longer than 2 s and was stopped|This worker was too busy to process the video within 2 s)/,
    );
    const { kind, details } = err as { kind: string; details: { cpuMs?: number } };
    if (kind !== 'too_large') expect(details.cpuMs).toBeLessThan(1000); // the verdict matches its measure
  });

  it('kills ffmpeg on timeout and on abort, leaving no process behind', async () => {
    // -re reads the source in real time, so this run really lasts 600 s however fast the machine is.
    const slow = (marker: string) => [
      '-v',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=64x64:duration=600`,
      '-f',
      'null',
      '-metadata',
      `title=${marker}`,
      '-',
    ];
    const timedOut = `fjord-timeout-${randomBytes(4).toString('hex')}`;
    await expect(
      runFfmpeg({ args: slow(timedOut), durationMs: 600_000, timeoutMs: 400 }),
    ).rejects.toMatchObject({
      // Idle in real time, it had no CPU to speak of: the machine's fault, retried as infrastructure.
      message: 'This worker was too busy to process the video within 0 s; it will be retried',
      isPermanent: false,
      cause: { code: 'unavailable' },
    });
    expect(isRunning(timedOut)).toBe(false);
    // An encode that computed for the time it was given: too large, not retried.
    await expect(
      runFfmpeg({
        args: [
          ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-t', '600'],
          ...['-c:v', 'libx264', '-preset', 'medium', '-threads', '2', '-f', 'null', '-'],
        ],
        durationMs: 600_000,
        timeoutMs: 2000,
      }),
    ).rejects.toMatchObject({
      kind: 'too_large',
      isPermanent: true,
      message: expect.stringMatching(/took longer than 2 s/),
    });

    const aborted = `fjord-abort-${randomBytes(4).toString('hex')}`;
    const controller = new AbortController();
    const running = runFfmpeg({
      args: slow(aborted),
      durationMs: 600_000,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    await expect.poll(() => isRunning(aborted)).toBe(true);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(FfmpegAbortedError);
    expect(isRunning(aborted)).toBe(false);
  });
});

// A real full scratch disk: a 4 MiB tmpfs (root only; skipped with the reason otherwise).
const scratch = await mountTmpfs({ sizeBytes: 4 * 1024 * 1024, label: 'ffmpeg' });

describe.skipIf(!scratch.mount)(`ffmpeg on a full temp disk ${scratch.skipReason ?? ''}`, () => {
  afterAll(() => scratch.mount?.unmount());

  it('every output is storage_full (retried), never a "corrupt" file or an empty rendition', async () => {
    const mount = scratch.mount!;
    const input = await write('full.mp4', await createVideoFixture({ width: 320, height: 180, seconds: 2 }));
    const info = await probeVideo(input);
    await mount.fill();
    // The WebP preview is the sly one: ffmpeg exits 0 with an empty file there.
    for (const variant of [v360, poster, preview]) {
      const err = await renderVideoVariant({ input, info, variant, opts, tempRoot: mount.dir }).catch(
        (e: unknown) => e,
      );
      expect(err, variant.name).toMatchObject({ code: 'storage_full' });
      expect(isStorageFullError(err)).toBe(true);
    }
    expect((await fs.readdir(mount.dir)).filter((f) => f !== '.filler')).toEqual([]); // temp dirs removed

    await mount.free();
    const out = await renderVideoVariant({ input, info, variant: preview, opts, tempRoot: mount.dir });
    expect(out.bytes).toBeGreaterThan(0);
    await out.cleanup();
  });
});

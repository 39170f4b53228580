import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  fitShortSide,
  posterTimeSeconds,
  remuxDownloadMp4,
  renderCmafLadder,
  renderStoryboard,
  type VideoInfo,
} from '@fjord/media';
import type { VideoVariant } from '@fjord/queue';

const run = promisify(execFile);

const CLIP_DIR = path.join(os.tmpdir(), 'fjord-bench-video');

/**
 * A 1080p30 H.264/AAC clip with real motion: testsrc2 (moving shapes, a scrolling counter) under
 * temporal noise (grain, so x264 works as on a camera file) and a sine tone, at a phone-like 8 Mbit/s.
 * Made once per machine and cached under the temp dir (encoding it costs ~half a minute on 2 cores).
 */
export async function loadBenchClip(seconds: number): Promise<{ path: string; body: Buffer }> {
  await fs.mkdir(CLIP_DIR, { recursive: true });
  const file = path.join(CLIP_DIR, `clip-1080p30-${seconds}s.mp4`);
  const cached = await fs.readFile(file).catch(() => undefined);
  if (cached) return { path: file, body: cached };
  const tmp = `${file}.${process.pid}.tmp.mp4`;
  await run('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
    ...['-vf', 'noise=alls=10:allf=t', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '8M'],
    ...['-maxrate', '8M', '-bufsize', '16M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', tmp],
  ]);
  await fs.rename(tmp, file);
  return { path: file, body: await fs.readFile(file) };
}

/**
 * The best hand-written ffmpeg for the outputs Fjord ships today (ADR 0016/0026/0017): ONE decode of the
 * source feeding every CMAF rung + the one AAC track through `split` (the very command Fjord's ladder runs:
 * same scale, x264 veryfast, CRF under a VBV cap, 2 s GOPs, fMP4 HLS muxer), then the download MP4 remuxed
 * from the top rung (no encode), while the poster, the preview and the storyboard (cheap: they seek or
 * decode key frames only) run beside it. No queue, no storage, no second process per output.
 * Returns wall seconds.
 */
export async function runSingleDecodeFfmpeg(opts: {
  input: string;
  info: VideoInfo;
  variants: readonly VideoVariant[];
}): Promise<number> {
  const { input, info } = opts;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-bench-ffmpeg-'));
  const runOpts = { threads: Math.max(1, os.availableParallelism()), timeoutMs: 600_000 };
  try {
    const seek = posterTimeSeconds(info.durationMs).toFixed(3);
    const side = (v: VideoVariant) => {
      const { width, height } = fitShortSide(info, v.shortSide);
      return `scale=${width}:${height}:flags=bicubic`;
    };
    const poster = opts.variants.find((v) => v.kind === 'poster');
    const preview = opts.variants.find((v) => v.kind === 'preview');
    const start = performance.now();
    await Promise.all([
      (async () => {
        const ladder = await renderCmafLadder({ input, info, opts: runOpts, tempRoot: dir });
        await remuxDownloadMp4({ ladder, durationMs: info.durationMs, opts: runOpts });
      })(),
      poster &&
        run('ffmpeg', [
          ...['-v', 'error', '-y', '-ss', seek, '-i', input, '-frames:v', '1', '-vf', side(poster)],
          ...['-q:v', '3', '-c:v', 'mjpeg', '-f', 'image2', path.join(dir, 'poster.jpg')],
        ]),
      preview &&
        run('ffmpeg', [
          ...['-v', 'error', '-y', '-ss', seek, '-i', input, '-t', String(preview.previewSeconds ?? 3)],
          ...['-an', '-vf', `fps=10,${side(preview)}`, '-c:v', 'libwebp_anim', '-loop', '0'],
          ...['-quality', '60', '-f', 'webp', path.join(dir, 'preview.webp')],
        ]),
      renderStoryboard({ input, info, imageUri: 'storyboard-jpg', opts: runOpts, tempRoot: dir }),
    ]);
    return (performance.now() - start) / 1000;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Metadata } from 'sharp';
import { DEFAULT_MAX_FRAMES, isAnimated, readCheckedMetadata } from '../read-image-info.service';
import { emptyOutputError } from './render-video-variant.service';
import { ffmpegCpuLimitArgs, runFfmpeg } from './run-ffmpeg.service';
import type { RenderedVideoFile, VideoRunOptions } from './video.types';

/** Below this many frames an animation keeps only its WebP: the default of ANIMATED_MP4_MIN_FRAMES. */
export const DEFAULT_ANIMATED_MP4_MIN_FRAMES = 24;

const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/**
 * The frame shown for a GIF delay as ffmpeg's gif demuxer times it (and browsers do): a delay under
 * 20 ms is shown 100 ms.
 */
const shownMs = (delay: number) => (delay < 20 ? 100 : delay);

/**
 * Whether an image gets an MP4 of its animation. Only GIF: Debian's ffmpeg 5.1 cannot decode animated
 * WebP (no ANIM/ANMF support: "image data not found"), so an animated WebP upload keeps its WebP only.
 */
export function shouldRenderAnimatedMp4(meta: Pick<Metadata, 'format' | 'pages'>, minFrames: number) {
  return meta.format === 'gif' && isAnimated(meta) && (meta.pages ?? 1) >= minFrames;
}

/**
 * An H.264 MP4 of a long animated GIF (ADR 0023): what a page plays muted and looping in <video> for a
 * fraction of the animated WebP's bytes (docs/performance.md). Returns null for anything else. The header
 * limits (frames, pixels of all frames) are checked before ffmpeg decodes anything; `-frames:v` repeats
 * the frame limit in case ffmpeg counts differently. Every frame is kept with its own delay (vfr), the
 * width is capped at `maxWidth` and both sides are even (yuv420p needs it); no audio, no metadata.
 */
export async function renderAnimatedMp4(deps: {
  /** A local file: ffmpeg reads it with the `file` protocol only. */
  input: string;
  maxWidth: number;
  minFrames: number;
  opts: VideoRunOptions;
  maxInputPixels?: number;
  maxFrames?: number;
  tempRoot?: string;
}): Promise<(RenderedVideoFile & { frames: number }) | null> {
  const { input, opts, maxFrames = DEFAULT_MAX_FRAMES } = deps;
  const meta = await readCheckedMetadata(input, { maxInputPixels: deps.maxInputPixels, maxFrames });
  if (!shouldRenderAnimatedMp4(meta, deps.minFrames)) return null;
  const frames = meta.pages ?? 1;
  const frameHeight = meta.pageHeight ?? meta.height;
  const width = even(Math.min(deps.maxWidth, meta.width));
  const height = even((frameHeight * width) / meta.width);
  const durationMs = (meta.delay ?? []).reduce((sum, d) => sum + shownMs(d), 0) || frames * 100;

  const dir = await fs.mkdtemp(path.join(deps.tempRoot ?? os.tmpdir(), 'fjord-anim-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  const output = path.join(dir, 'anim.mp4');
  try {
    await runFfmpeg({
      ...opts,
      durationMs,
      args: [
        ...['-hide_banner', '-nostdin', '-v', 'error', '-y'],
        ...ffmpegCpuLimitArgs(opts),
        ...['-protocol_whitelist', 'file,pipe'],
        ...['-threads', String(opts.threads), '-f', 'gif', '-i', `file:${input}`],
        ...['-filter_threads', String(opts.threads), '-map', '0:v:0', '-an', '-sn', '-dn'],
        ...['-frames:v', String(maxFrames), '-fps_mode', 'vfr'],
        ...['-vf', `scale=${width}:${height}:flags=lanczos,format=yuv420p`],
        ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-threads', String(opts.threads)],
        // bitexact: no encoder version string in the container either.
        ...['-map_metadata', '-1', '-fflags', '+bitexact', '-movflags', '+faststart'],
        ...['-f', 'mp4', `file:${output}`],
      ],
    });
    const { size: bytes } = await fs.stat(output);
    if (bytes === 0) throw await emptyOutputError(dir);
    const bitrate = Math.round((bytes * 8) / (durationMs / 1000));
    return {
      path: output,
      format: 'mp4',
      mimeType: 'video/mp4',
      ext: 'mp4',
      width,
      height,
      bytes,
      durationMs,
      bitrate,
      frames,
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { storageFullError } from '@fjord/errors';
import { MediaProcessingError } from '../media-processing.error';
import { ffmpegCpuLimitArgs, runFfmpeg } from './run-ffmpeg.service';
import type { RenderedVideoFile, VideoInfo, VideoRunOptions, VideoVariantSpec } from './video.types';

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Output size for a target short side, never larger than the source (displayed orientation). */
export function fitShortSide(source: { width: number; height: number }, shortSide: number) {
  const short = Math.min(source.width, source.height);
  const scale = Math.min(1, shortSide / short);
  return { width: even(source.width * scale), height: even(source.height * scale) };
}

/** A rung is skipped when the source is too small for it: a 480p phone clip gets no 1080p "upscale". */
export function shouldRenderVariant(
  source: { width: number; height: number },
  variant: Pick<VideoVariantSpec, 'skipUnlessSourceAbove'>,
) {
  return Math.min(source.width, source.height) > variant.skipUnlessSourceAbove;
}

/** A frame past the fade-in that most clips open with, but still near the start. */
export function posterTimeSeconds(durationMs: number): number {
  return Math.min(3, (durationMs / 1000) * 0.1);
}

/**
 * The input side of every command: only file/pipe protocols, the demuxer chosen from the probe (never
 * guessed from content), a thread cap, and a CPU-time backstop that ends ffmpeg even if this process died.
 */
export function inputArgs(input: string, info: VideoInfo, opts: VideoRunOptions, seekSeconds?: number) {
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    ...ffmpegCpuLimitArgs(opts),
    '-protocol_whitelist',
    'file,pipe',
    '-threads',
    String(opts.threads),
    ...(seekSeconds ? ['-ss', seekSeconds.toFixed(3)] : []),
    '-f',
    info.demuxer,
    '-i',
    `file:${input}`,
    '-filter_threads',
    String(opts.threads),
  ];
}

function outputFor(variant: VideoVariantSpec) {
  if (variant.kind === 'poster') return { format: 'jpeg', ext: 'jpg', mimeType: 'image/jpeg' } as const;
  if (variant.kind === 'preview') return { format: 'webp', ext: 'webp', mimeType: 'image/webp' } as const;
  return { format: 'mp4', ext: 'mp4', mimeType: 'video/mp4' } as const;
}

function commandFor(
  input: string,
  output: string,
  info: VideoInfo,
  variant: VideoVariantSpec,
  opts: VideoRunOptions,
) {
  const size = fitShortSide(info, variant.shortSide);
  const scale = `scale=${size.width}:${size.height}:flags=bicubic`;
  const threads = ['-threads', String(opts.threads)];
  if (variant.kind === 'poster') {
    const args = [
      ...inputArgs(input, info, opts, posterTimeSeconds(info.durationMs)),
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-vf',
      scale,
      '-q:v',
      '3',
      ...threads,
      '-f',
      'image2',
      '-c:v',
      'mjpeg',
      `file:${output}`,
    ];
    return { args, size, durationMs: 1 };
  }
  if (variant.kind === 'preview') {
    const seconds = Math.min(variant.previewSeconds ?? 3, info.durationMs / 1000);
    const args = [
      ...inputArgs(input, info, opts, posterTimeSeconds(info.durationMs)),
      '-t',
      seconds.toFixed(3),
      '-map',
      '0:v:0',
      '-an',
      '-vf',
      `fps=10,${scale}`,
      ...threads,
      '-c:v',
      'libwebp_anim',
      '-loop',
      '0',
      '-quality',
      '60',
      '-f',
      'webp',
      `file:${output}`,
    ];
    return { args, size, durationMs: seconds * 1000 };
  }
  const args = [
    ...inputArgs(input, info, opts),
    '-map',
    '0:v:0',
    ...(info.hasAudio ? ['-map', '0:a:0'] : []),
    '-vf',
    `${scale},format=yuv420p`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    String(variant.crf ?? 23),
    ...threads,
    ...(info.hasAudio ? ['-c:a', 'aac', '-b:a', `${variant.audioKbps ?? 128}k`, '-ac', '2'] : []),
    // The index up front: playback starts before the whole file has arrived.
    '-movflags',
    '+faststart',
    '-map_metadata',
    '-1',
    '-f',
    'mp4',
    `file:${output}`,
  ];
  return { args, size, durationMs: info.durationMs };
}

/** Under this much room left, an empty output is the disk's fault. */
export const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * ffmpeg's WebP muxer exits 0 with an empty file when its disk is full (seen with ffmpeg 5.1 on a full
 * tmpfs), so an empty output is never a rendition: storage_full when the disk is (nearly) full, else an
 * unexplained failure that a retry may fix.
 */
export async function emptyOutputError(dir: string): Promise<Error> {
  const stats = await fs.statfs(dir).catch(() => null);
  if (stats && stats.bavail * stats.bsize < NEARLY_FULL_BYTES) {
    return storageFullError(new Error('ffmpeg wrote an empty file: no space left on device'));
  }
  return new MediaProcessingError(
    'unknown',
    'The video could not be processed (ffmpeg wrote an empty file)',
    false,
  );
}

/**
 * Renders one variant into a private temp directory. The output only leaves it whole (the caller streams
 * the finished file to storage, which renames atomically), so a killed or timed-out ffmpeg never leaves
 * a half-written rendition anywhere a reader could see it.
 */
export async function renderVideoVariant(deps: {
  input: string;
  info: VideoInfo;
  variant: VideoVariantSpec;
  opts: VideoRunOptions;
  tempRoot?: string;
}): Promise<RenderedVideoFile> {
  const { input, info, variant, opts } = deps;
  const dir = await fs.mkdtemp(path.join(deps.tempRoot ?? os.tmpdir(), 'fjord-ffmpeg-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  const out = outputFor(variant);
  const output = path.join(dir, `${variant.name}.${out.ext}`);
  try {
    const cmd = commandFor(input, output, info, variant, opts);
    await runFfmpeg({ ...opts, args: cmd.args, durationMs: cmd.durationMs });
    const { size: bytes } = await fs.stat(output);
    if (bytes === 0) throw await emptyOutputError(dir);
    const durationMs = variant.kind === 'poster' ? null : Math.round(cmd.durationMs);
    const bitrate = durationMs ? Math.round((bytes * 8) / (durationMs / 1000)) : null;
    return { path: output, ...out, ...cmd.size, bytes, durationMs, bitrate, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MediaProcessingError } from '../media-processing.error';
import { ffmpegCpuLimitArgs, runFfmpeg } from './run-ffmpeg.service';
import type { VideoInfo, VideoRunOptions } from './video.types';

export const STORYBOARD_TILE_WIDTH = 160;
export const STORYBOARD_MAX_TILES = 100;
export const STORYBOARD_MIN_INTERVAL_MS = 2_000;
const MAX_COLUMNS = 10;

export type StoryboardLayout = {
  intervalMs: number;
  tiles: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
};

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * A tile every 2 s, stretched so there are never more than 100 (every 5 s at 500 s, longer past it, as
 * Mux does); 160 px wide in the displayed orientation, at most 10 per row.
 */
export function storyboardLayout(info: Pick<VideoInfo, 'durationMs' | 'width' | 'height'>): StoryboardLayout {
  const intervalMs = Math.max(STORYBOARD_MIN_INTERVAL_MS, Math.ceil(info.durationMs / STORYBOARD_MAX_TILES));
  const tiles = Math.max(1, Math.min(STORYBOARD_MAX_TILES, Math.ceil(info.durationMs / intervalMs)));
  const columns = Math.min(MAX_COLUMNS, tiles);
  const tileWidth = Math.min(STORYBOARD_TILE_WIDTH, even(info.width));
  return {
    intervalMs,
    tiles,
    columns,
    rows: Math.ceil(tiles / columns),
    tileWidth,
    tileHeight: even((tileWidth * info.height) / info.width),
  };
}

function vttTime(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(ms / 3_600_000);
  return `${pad(h)}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/**
 * The WebVTT thumbnail track: one cue per tile pointing into the sprite with a `#xywh=` fragment. The image
 * URL is relative to the VTT's own URL, so it works under /files, a signed stream prefix or a proxy.
 */
export function storyboardVtt(layout: StoryboardLayout, durationMs: number, imageUri: string): string {
  const cues: string[] = [];
  for (let i = 0; i < layout.tiles; i++) {
    const start = i * layout.intervalMs;
    const end = i === layout.tiles - 1 ? Math.max(durationMs, start + 1) : (i + 1) * layout.intervalMs;
    const x = (i % layout.columns) * layout.tileWidth;
    const y = Math.floor(i / layout.columns) * layout.tileHeight;
    cues.push(
      `${vttTime(start)} --> ${vttTime(end)}\n${imageUri}#xywh=${x},${y},${layout.tileWidth},${layout.tileHeight}`,
    );
  }
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

export type RenderedStoryboard = {
  layout: StoryboardLayout;
  sprite: { path: string; width: number; height: number; bytes: number };
  vtt: { path: string; bytes: number };
  cleanup(): Promise<void>;
};

/**
 * Renders the sprite (JPEG grid) with the same containment as every ffmpeg run (file protocol only, the
 * probed demuxer, thread cap, wall-clock and CPU-time limits), into a private temp directory. Keyframes
 * only (`-skip_frame nokey`): a tile needs no exact frame, and decoding 1 frame in ~50 is far cheaper.
 */
export async function renderStoryboard(deps: {
  input: string;
  info: VideoInfo;
  imageUri: string;
  opts: VideoRunOptions;
  tempRoot?: string;
}): Promise<RenderedStoryboard> {
  const { input, info, opts } = deps;
  const layout = storyboardLayout(info);
  const dir = await fs.mkdtemp(path.join(deps.tempRoot ?? os.tmpdir(), 'fjord-storyboard-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  const spritePath = path.join(dir, 'storyboard.jpg');
  const vttPath = path.join(dir, 'storyboard.vtt');
  const threads = String(opts.threads);
  try {
    const filters = [
      // The last frame repeated for ever: ffmpeg 5.1's tile filter drops a grid that is not full at the
      // end (a short tail, or keyframes only), and -frames:v 1 ends the run once the grid is complete.
      'tpad=stop=-1:stop_mode=clone',
      `fps=1000/${layout.intervalMs}`,
      `scale=${layout.tileWidth}:${layout.tileHeight}:flags=bicubic`,
      `tile=${layout.columns}x${layout.rows}`,
    ].join(',');
    await runFfmpeg({
      ...opts,
      durationMs: info.durationMs,
      args: [
        ...['-hide_banner', '-nostdin', '-v', 'error', '-y'],
        ...ffmpegCpuLimitArgs(opts),
        ...['-protocol_whitelist', 'file,pipe'],
        ...['-threads', threads, '-skip_frame', 'nokey', '-f', info.demuxer, '-i', `file:${input}`],
        ...['-filter_threads', threads, '-map', '0:v:0', '-an', '-vf', filters],
        ...['-frames:v', '1', '-q:v', '5', '-threads', threads, '-f', 'image2', '-c:v', 'mjpeg'],
        `file:${spritePath}`,
      ],
    });
    const { size: bytes } = await fs.stat(spritePath).catch(() => ({ size: 0 }));
    if (bytes === 0) {
      throw new MediaProcessingError('unknown', 'The scrub preview could not be made (no frames)', false);
    }
    const vtt = storyboardVtt(layout, info.durationMs, deps.imageUri);
    await fs.writeFile(vttPath, vtt);
    return {
      layout,
      sprite: {
        path: spritePath,
        width: layout.columns * layout.tileWidth,
        height: layout.rows * layout.tileHeight,
        bytes,
      },
      vtt: { path: vttPath, bytes: Buffer.byteLength(vtt) },
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

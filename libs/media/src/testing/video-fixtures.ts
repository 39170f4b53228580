import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface VideoFixtureOptions {
  width?: number;
  height?: number;
  seconds?: number;
  container?: 'mp4' | 'webm';
  /** Written as display-matrix metadata (the pixels stay as coded), like a phone held upright. */
  rotate?: 90 | 180 | 270;
  hasAudio?: boolean;
}

/**
 * A tiny real video made by ffmpeg (testsrc + sine): H.264/AAC in MP4 or VP9/Opus in WebM. Small and short
 * so a test on 2 cores spends milliseconds making it. Returns the bytes; the temp files are removed.
 */
export async function createVideoFixture({
  width = 320,
  height = 180,
  seconds = 2,
  container = 'mp4',
  rotate,
  hasAudio = true,
}: VideoFixtureOptions = {}): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-video-fixture-'));
  try {
    const file = path.join(dir, `clip.${container}`);
    const codecs =
      container === 'mp4'
        ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac']
        : [
            '-c:v',
            'libvpx-vp9',
            '-deadline',
            'realtime',
            '-cpu-used',
            '8',
            '-b:v',
            '300k',
            '-c:a',
            'libopus',
          ];
    await run('ffmpeg', [
      ...[
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `testsrc=size=${width}x${height}:rate=15:duration=${seconds}`,
      ],
      ...(hasAudio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`] : []),
      ...codecs,
      ...(hasAudio ? ['-shortest'] : ['-an']),
      file,
    ]);
    if (!rotate) return await fs.readFile(file);
    const rotated = path.join(dir, `rotated.${container}`);
    await run('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      file,
      '-c',
      'copy',
      '-metadata:s:v:0',
      `rotate=${rotate}`,
      rotated,
    ]);
    return await fs.readFile(rotated);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * A long animated GIF of moving content (ffmpeg's testsrc2, one palette for the clip), `frames` frames of
 * 40 ms: what the animated MP4 is tested and measured on. ffmpeg makes it in a fraction of sharp's time.
 */
export async function createMovingGifFixture({ width = 320, height = 180, frames = 120 } = {}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-gif-'));
  try {
    const file = path.join(dir, 'moving.gif');
    await run('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i'],
      `testsrc2=size=${width}x${height}:rate=25:duration=${(frames / 25).toFixed(2)}`,
      ...['-vf', 'split[a][b];[a]palettegen[p];[b][p]paletteuse', '-loop', '0', '-f', 'gif', file],
    ]);
    return await fs.readFile(file);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The JSON ffprobe prints for a file: what the tests check renditions against. */
export async function probeFile(file: string): Promise<{
  format: { format_name: string; duration: string; bit_rate?: string };
  streams: {
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    side_data_list?: { rotation?: number }[];
  }[];
}> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    file,
  ]);
  return JSON.parse(stdout);
}

/** An HLS playlist that would make a naive ffmpeg read a local file. */
export const HLS_PASSWD_PLAYLIST = Buffer.from(
  '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n',
);

import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVideoFixture, probeFile } from '../testing/fixtures';
import { probeVideo } from './probe-video.service';
import { renderStoryboard } from './render-storyboard.service';

const run = promisify(execFile);
const opts = { threads: 1, timeoutMs: 30_000 };
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-storyboard-test-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The cues as ffmpeg's own WebVTT demuxer reads them: [start s, end s, text]. */
async function readVttWithFfprobe(file: string): Promise<[number, number, string][]> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-f', 'webvtt', '-i', `file:${file}`, '-show_packets', '-show_data'],
    ...['-show_entries', 'packet=pts_time,duration_time,data', '-of', 'json'],
  ]);
  const packets = (
    JSON.parse(stdout) as { packets: { pts_time: string; duration_time: string; data: string }[] }
  ).packets;
  return packets.map((p) => {
    // -show_data prints a hexdump: "00000000: 7374 6f72 ...  storyboard-jpg#x"
    const hex = p.data
      .split('\n')
      .map((line) => line.slice(10, 49).replace(/\s/g, ''))
      .join('');
    const start = Number(p.pts_time);
    return [start, start + Number(p.duration_time), Buffer.from(hex, 'hex').toString('utf8')];
  });
}

describe('renderStoryboard with ffmpeg', () => {
  it.each([
    { name: 'landscape', width: 320, height: 180, seconds: 7, tile: [160, 90], tiles: 4 },
    {
      name: 'portrait (rotated 90°)',
      width: 320,
      height: 180,
      rotate: 90 as const,
      seconds: 3,
      tile: [160, 284],
      tiles: 2,
    },
  ])(
    '$name: a sprite whose grid matches the duration, and a VTT whose every cue lies inside it',
    async (c) => {
      const input = path.join(dir, `${c.name.split(' ')[0]}.mp4`);
      await fs.writeFile(
        input,
        await createVideoFixture({ width: c.width, height: c.height, seconds: c.seconds, rotate: c.rotate }),
      );
      const info = await probeVideo(input);
      const out = await renderStoryboard({ input, info, imageUri: 'storyboard-jpg', opts, tempRoot: dir });
      try {
        expect(out.layout).toMatchObject({
          intervalMs: 2_000,
          tiles: c.tiles,
          tileWidth: c.tile[0],
          tileHeight: c.tile[1],
        });
        const sprite = (await probeFile(out.sprite.path)).streams[0]!;
        expect(sprite.codec_name).toBe('mjpeg');
        expect([sprite.width, sprite.height]).toEqual([out.sprite.width, out.sprite.height]);
        expect([out.sprite.width, out.sprite.height]).toEqual([c.tile[0]! * c.tiles, c.tile[1]]);

        const cues = await readVttWithFfprobe(out.vtt.path);
        expect(cues).toHaveLength(c.tiles);
        expect(cues[0]![0]).toBe(0);
        expect(cues.at(-1)![1]).toBeCloseTo(info.durationMs / 1000, 2);
        for (const [i, [start, end, text]] of cues.entries()) {
          if (i > 0) expect(start).toBeCloseTo(cues[i - 1]![1], 3); // contiguous
          expect(end).toBeGreaterThan(start);
          const m = /^storyboard-jpg#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(text.trim());
          expect(m, text).not.toBeNull();
          const [x, y, w, h] = m!.slice(1).map(Number) as [number, number, number, number];
          expect([w, h]).toEqual(c.tile);
          expect(x + w).toBeLessThanOrEqual(out.sprite.width);
          expect(y + h).toBeLessThanOrEqual(out.sprite.height);
        }
      } finally {
        await out.cleanup();
      }
      await expect(fs.stat(out.sprite.path)).rejects.toThrow();
    },
  );
});

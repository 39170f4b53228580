import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnimatedFixture, createMovingGifFixture } from '../testing/fixtures';
import { renderAnimatedMp4 } from './render-animated-mp4.service';

const run = promisify(execFile);
const opts = { threads: 1, timeoutMs: 60_000 };

/** ffprobe with counted frames and every tag, container and stream. */
async function probe(file: string) {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-count_frames', '-print_format', 'json', '-show_format', '-show_streams', file],
  ]);
  return JSON.parse(stdout) as {
    format: { format_name: string; duration: string; tags?: Record<string, string> };
    streams: {
      codec_type: string;
      codec_name: string;
      pix_fmt?: string;
      width: number;
      height: number;
      nb_read_frames: string;
      tags?: Record<string, string>;
    }[];
  };
}

describe('renderAnimatedMp4 (real sharp + ffmpeg)', () => {
  let dir: string;
  const write = async (name: string, data: Buffer) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, data);
    return file;
  };
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-anim-test-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('a long GIF becomes an H.264 MP4 with every frame, its length, no audio and no tags', async () => {
    // 120 frames of moving content, 40 ms each: a 4.8 s clip; 333 px wide, so the even-width rounding shows.
    const gif = await createMovingGifFixture({ width: 333, height: 187, frames: 120 });
    const input = await write('long.gif', gif);
    const out = await renderAnimatedMp4({ input, maxWidth: 1280, minFrames: 24, opts, tempRoot: dir });
    expect(out).not.toBeNull();
    try {
      expect(out).toMatchObject({
        format: 'mp4',
        mimeType: 'video/mp4',
        width: 332,
        height: 186,
        frames: 120,
      });
      expect(out!.durationMs).toBe(4800);
      const { format, streams } = await probe(out!.path);
      expect(format.format_name).toContain('mp4');
      expect(Number(format.duration)).toBeCloseTo(4.8, 1);
      expect(streams.map((s) => s.codec_type)).toEqual(['video']);
      const [video] = streams;
      expect(video).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 332, height: 186 });
      expect(Number(video!.nb_read_frames)).toBe(120);
      // Only what the MP4 container itself needs: no title, comment, creation time or encoder version.
      expect(Object.keys(format.tags ?? {}).sort()).toEqual([
        'compatible_brands',
        'major_brand',
        'minor_version',
      ]);
      expect(video!.tags?.encoder ?? '').not.toMatch(/Lav[cf]\d/);
      expect(Object.keys(video!.tags ?? {})).not.toContain('creation_time');
      // faststart: the index (moov) comes before the media data.
      const head = (await fs.readFile(out!.path)).subarray(0, 64).toString('latin1');
      expect(head).toContain('moov');
      // At a fraction of the bytes of the animation itself.
      expect(out!.bytes).toBeLessThan(gif.length / 2);
    } finally {
      await out?.cleanup();
    }
  });

  it('caps the width like the 1280 variant, keeping the aspect and even sides', async () => {
    const gif = await createAnimatedFixture({ frames: 24, delayMs: 50, width: 1500, height: 601 });
    const out = await renderAnimatedMp4({
      input: await write('wide.gif', gif),
      maxWidth: 1280,
      minFrames: 24,
      opts,
    });
    try {
      expect(out).toMatchObject({ width: 1280, height: 512, frames: 24, durationMs: 1200 });
    } finally {
      await out?.cleanup();
    }
  });

  it('a short GIF, an animated WebP and a still get none', async () => {
    const short = await write('short.gif', await createAnimatedFixture({ frames: 12 }));
    const webp = await write('anim.webp', await createAnimatedFixture({ format: 'webp', frames: 40 }));
    const still = await write(
      'still.gif',
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#345' } })
        .gif()
        .toBuffer(),
    );
    for (const input of [short, webp, still]) {
      expect(await renderAnimatedMp4({ input, maxWidth: 1280, minFrames: 24, opts })).toBeNull();
    }
  });

  it('keeps the frame limit before ffmpeg decodes anything', async () => {
    const input = await write('many.gif', await createAnimatedFixture({ width: 16, height: 16, frames: 40 }));
    await expect(
      renderAnimatedMp4({ input, maxWidth: 1280, minFrames: 24, maxFrames: 30, opts }),
    ).rejects.toMatchObject({ kind: 'too_large', message: 'The animation has 40 frames; the limit is 30' });
  });
});

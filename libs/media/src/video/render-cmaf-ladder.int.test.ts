import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVideoFixture, probeStreams, probeVideoPackets } from '../testing/fixtures';
import { probeVideo } from './probe-video.service';
import { renderCmafLadder, type RenderedCmafLadder } from './render-cmaf-ladder.service';
import { FfmpegAbortedError } from './run-ffmpeg.service';

const opts = { threads: 1, timeoutMs: 60_000 };
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-cmaf-test-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function source(name: string, fixture: Parameters<typeof createVideoFixture>[0]) {
  const file = path.join(dir, name);
  await fs.writeFile(file, await createVideoFixture(fixture));
  return { file, info: await probeVideo(file) };
}

/** init + every segment of a track, as one fragmented MP4 ffprobe can read. */
async function joined(
  out: RenderedCmafLadder,
  track: { name: string; init: string; segments: { uri: string }[] },
) {
  const file = path.join(dir, `${track.name}-${Date.now()}.mp4`);
  const parts = [track.init, ...track.segments.map((s) => s.uri)];
  await fs.writeFile(
    file,
    Buffer.concat(await Promise.all(parts.map((p) => fs.readFile(path.join(out.dir, p))))),
  );
  return file;
}

describe('renderCmafLadder (real ffmpeg)', () => {
  it('writes aligned 2 s GOPs, ~4 s segments and one audio track for every rung a source allows', async () => {
    const { file, info } = await source('landscape.mp4', { width: 640, height: 360, seconds: 9 });
    const out = await renderCmafLadder({ input: file, info, opts });
    try {
      // 360p source: 240p and 360p (never upscaled to 720/1080).
      expect(out.rungs.map((r) => [r.name, r.width, r.height])).toEqual([
        ['v240', 426, 240],
        ['v360', 640, 360],
      ]);
      expect(out.audio).toMatchObject({ codecs: 'mp4a.40.2', channels: 2, sampleRate: 48000 });
      const keyframes: number[][] = [];
      for (const rung of out.rungs) {
        expect(rung.segments.map((s) => Math.round(s.duration))).toEqual([4, 4, 1]);
        const joinedFile = await joined(out, rung);
        const packets = await probeVideoPackets(joinedFile);
        // Presentation times start after the B-frame delay (the edit list is not in the joined file).
        const origin = packets[0]!.pts;
        const keys = packets.filter((p) => p.isKey).map((p) => Number((p.pts - origin).toFixed(3)));
        expect(keys).toEqual([0, 2, 4, 6, 8]);
        keyframes.push(keys);
        // Every segment starts on a key frame: its first packet is one.
        let start = origin;
        for (const s of rung.segments) {
          expect(packets.find((p) => p.pts >= start - 0.001)?.isKey).toBe(true);
          start += s.duration;
        }
        const probe = await probeStreams(joinedFile);
        const video = probe.streams.find((s) => s.codec_type === 'video')!;
        expect(video).toMatchObject({ codec_name: 'h264', profile: 'High', width: rung.width });
        expect(rung.codecs).toBe(`avc1.6400${video.level!.toString(16).padStart(2, '0')}`);
        expect(rung.averageBitrate).toBeGreaterThan(0);
        expect(rung.peakBitrate).toBeGreaterThanOrEqual(rung.averageBitrate);
      }
      expect(keyframes[0]).toEqual(keyframes[1]);
      const audioProbe = await probeStreams(await joined(out, out.audio!));
      expect(audioProbe.streams.map((s) => s.codec_type)).toEqual(['audio']);
      expect(Number(audioProbe.format.duration)).toBeCloseTo(9, 0);
      const sizes = await Promise.all(
        out.files.map(async (f) => (await fs.stat(path.join(out.dir, f))).size),
      );
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(out.bytes);
    } finally {
      await out.cleanup();
    }
  });

  it('honours rotation (portrait rungs, no rotation flag) and a silent source (no audio track)', async () => {
    const { file, info } = await source('portrait.mp4', {
      width: 320,
      height: 180,
      rotate: 90,
      hasAudio: false,
    });
    const out = await renderCmafLadder({ input: file, info, opts });
    try {
      expect(out.rungs.map((r) => [r.name, r.width, r.height])).toEqual([['v240', 180, 320]]);
      expect(out.audio).toBeNull();
      const probe = await probeStreams(await joined(out, out.rungs[0]!));
      const video = probe.streams.find((s) => s.codec_type === 'video')!;
      expect([video.width, video.height]).toEqual([180, 320]);
      expect(video.side_data_list?.some((d) => d.rotation)).toBeFalsy();
    } finally {
      await out.cleanup();
    }
  });

  it('stops ffmpeg at once when cancelled and leaves no temp folder', async () => {
    const { file, info } = await source('cancel.mp4', { width: 640, height: 360, seconds: 9 });
    const tempRoot = await fs.mkdtemp(path.join(dir, 'tmp-'));
    const controller = new AbortController();
    const started = Date.now();
    const run = renderCmafLadder({
      input: file,
      info,
      tempRoot,
      opts: { ...opts, signal: controller.signal },
    });
    setTimeout(() => controller.abort('deleted'), 100);
    await expect(run).rejects.toBeInstanceOf(FfmpegAbortedError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await fs.readdir(tempRoot)).toEqual([]);
  });
});

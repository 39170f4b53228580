import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVideoFixture, probeStreams } from '../testing/fixtures';
import { probeVideo } from './probe-video.service';
import { renderCmafLadder } from './render-cmaf-ladder.service';
import { remuxDownloadMp4 } from './remux-download-mp4.service';

const opts = { threads: 1, timeoutMs: 60_000 };
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-remux-test-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('remuxDownloadMp4 (real ffmpeg)', () => {
  it("makes one progressive +faststart MP4 of the ladder's top rung and audio without encoding", async () => {
    const file = path.join(dir, 'clip.mp4');
    await fs.writeFile(file, await createVideoFixture({ width: 640, height: 360, seconds: 9 }));
    const info = await probeVideo(file);
    const ladder = await renderCmafLadder({ input: file, info, opts });
    try {
      const mp4 = await remuxDownloadMp4({ ladder, durationMs: info.durationMs, opts });
      expect(mp4).toMatchObject({ width: 640, height: 360 });
      const probe = await probeStreams(mp4.path);
      expect(probe.format.format_name).toContain('mp4');
      expect(Number(probe.format.duration)).toBeCloseTo(info.durationMs / 1000, 0);
      const v = probe.streams.find((s) => s.codec_type === 'video')!;
      expect([v.codec_name, v.width, v.height]).toEqual(['h264', 640, 360]);
      expect(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
      // Stream copy: the video bytes are the top rung's segments (within the containers' overhead).
      const top = ladder.rungs.at(-1)!;
      const segmentBytes = top.segments.reduce((n, s) => n + s.bytes, 0);
      const audioBytes = ladder.audio!.segments.reduce((n, s) => n + s.bytes, 0);
      expect(mp4.bytes).toBeLessThan((segmentBytes + audioBytes) * 1.1);
      expect(mp4.bytes).toBeGreaterThan((segmentBytes + audioBytes) * 0.8);
      // Progressive, +faststart: one moov, before mdat, and no fragments (moof).
      const bytes = await fs.readFile(mp4.path);
      const boxes: string[] = [];
      for (let at = 0; at + 8 <= bytes.length;) {
        const size = bytes.readUInt32BE(at);
        boxes.push(bytes.toString('latin1', at + 4, at + 8));
        if (size < 8) break;
        at += size;
      }
      expect(boxes.indexOf('moov')).toBeGreaterThan(-1);
      expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
      expect(boxes).not.toContain('moof');
    } finally {
      await ladder.cleanup();
    }
  }, 120_000);
});

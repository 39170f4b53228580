/**
 * CPU of the download MP4: remuxed from the ladder's top rung (ADR 0026) vs the three per-rung MP4 encodes it
 * replaced. ffmpeg's CPU is read from /usr/bin/time through a wrapper first on PATH (docs/performance.md):
 *   printf '#!/bin/sh\nexec /usr/bin/time -a -o "$CPU_LOG" -f "%%U %%S %%e" /usr/bin/ffmpeg "$@"\n' > /tmp/ffwrap/ffmpeg
 *   CPU_LOG=/tmp/ffwrap/cpu.log PATH=/tmp/ffwrap:$PATH SECONDS=4 npx tsx bench/measure-download-mp4.ts
 */
import fs from 'node:fs/promises';
import { probeVideo, remuxDownloadMp4, renderCmafLadder, renderVideoVariant } from '@fjord/media';
import { loadBenchClip } from './rows/video-baseline';

const log = process.env.CPU_LOG!;
const opts = { threads: 1, timeoutMs: 600_000 };
const sum = async () => {
  const lines = (await fs.readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  await fs.rm(log, { force: true });
  return lines.reduce((n, l) => {
    const [u, s] = l.split(' ').map(Number);
    return n + u! + s!;
  }, 0);
};
const clip = await loadBenchClip(Number(process.env.SECONDS ?? 4));
const info = await probeVideo(clip.path);
await sum();
const ladder = await renderCmafLadder({ input: clip.path, info, opts });
const ladderCpu = await sum();
const t0 = performance.now();
const mp4 = await remuxDownloadMp4({ ladder, durationMs: info.durationMs, opts });
const remuxWall = performance.now() - t0;
const remuxCpu = await sum();
await ladder.cleanup();
const old = [
  { name: 'v360-mp4', kind: 'rendition', shortSide: 360, skipUnlessSourceAbove: 0, crf: 26, audioKbps: 96 },
  {
    name: 'v720-mp4',
    kind: 'rendition',
    shortSide: 720,
    skipUnlessSourceAbove: 360,
    crf: 23,
    audioKbps: 128,
  },
  {
    name: 'v1080-mp4',
    kind: 'rendition',
    shortSide: 1080,
    skipUnlessSourceAbove: 720,
    crf: 22,
    audioKbps: 160,
  },
] as const;
const t1 = performance.now();
for (const variant of old) {
  const out = await renderVideoVariant({ input: clip.path, info, variant: variant as never, opts });
  await out.cleanup();
}
const encodeWall = performance.now() - t1;
const encodeCpu = await sum();
console.log(
  JSON.stringify({
    seconds: info.durationMs / 1000,
    width: info.width,
    height: info.height,
    ladderCpu,
    remuxCpu,
    remuxWall,
    mp4Bytes: mp4.bytes,
    encodeCpu,
    encodeWall,
  }),
);

import os from 'node:os';
import { planCmafRungs, probeVideo, renderCmafLadder, type VideoInfo } from '@fjord/media';
import { rowFromRuns, type BenchContext, type BenchDefinition } from '../bench-report';
import { ensureBenchTools } from './bench-tools';
import { cpuSecondsOf } from './cpu-time';
import { loadBenchClip } from './video-baseline';

// Short: the row runs two full ladders (1080p source) on a shared 2-core machine; CPU-s scale per minute.
const CLIP_SECONDS = 4;
const THREADS = Math.max(1, os.availableParallelism());

async function timed(work: () => Promise<unknown>) {
  const cpuBefore = await cpuSecondsOf([]);
  const start = performance.now();
  await work();
  return { wall: (performance.now() - start) / 1000, cpu: (await cpuSecondsOf([])) - cpuBefore };
}

/** One ffmpeg per rung plus one for the audio, two at a time (as two transcode workers would run them). */
async function perRungLadder(input: string, info: VideoInfo) {
  const jobs = [
    ...planCmafRungs(info).map((r) => ({ rungs: [r.name], audio: false })),
    ...(info.hasAudio ? [{ rungs: [], audio: true }] : []),
  ];
  const run = async (select: { rungs: string[]; audio: boolean }) => {
    const out = await renderCmafLadder({
      input,
      info,
      select,
      opts: { threads: Math.max(1, THREADS / 2), timeoutMs: 600_000 },
    });
    await out.cleanup();
  };
  const queue = [...jobs];
  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await run(next);
  };
  await Promise.all([lane(), lane()]);
}

/**
 * The CMAF ladder's job split (docs/adr/0016-cmaf-ladder.md): Fjord's single-decode ladder (one ffmpeg,
 * `split` to every rung + one audio track) vs the same outputs with one ffmpeg per rung. CPU seconds of
 * all ffmpeg children per minute of video, lower is better; the wall time is logged.
 */
export const cmafLadderBench: BenchDefinition = {
  name: 'cmaf-ladder',
  async run(ctx: BenchContext) {
    await ensureBenchTools();
    const clip = await loadBenchClip(CLIP_SECONDS);
    const info = await probeVideo(clip.path);
    const minutes = info.durationMs / 60_000;
    const rungs = planCmafRungs(info).map((r) => r.name);
    ctx.log(
      `clip ${info.width}×${info.height}, ${(info.durationMs / 1000).toFixed(1)} s; rungs ${rungs.join(',')}`,
    );
    const single: number[] = [];
    const perRung: number[] = [];
    for (let r = 0; r < ctx.runs; r += 1) {
      const a = await timed(async () => {
        const out = await renderCmafLadder({
          input: clip.path,
          info,
          opts: { threads: THREADS, timeoutMs: 600_000 },
        });
        await out.cleanup();
      });
      const b = await timed(() => perRungLadder(clip.path, info));
      single.push(a.cpu / minutes);
      perRung.push(b.cpu / minutes);
      ctx.log(
        `run ${r + 1}: single-decode ${a.wall.toFixed(1)} s wall, ${a.cpu.toFixed(1)} CPU-s; ` +
          `per-rung ${b.wall.toFixed(1)} s wall, ${b.cpu.toFixed(1)} CPU-s; load ${os.loadavg()[0]!.toFixed(2)}`,
      );
    }
    return [
      rowFromRuns({
        name: 'cmaf-ladder-cpu',
        unit: 'CPU-s/min of video',
        fjord: single,
        baseline: perRung,
        higherIsBetter: false,
        baselineSource: 'the same rungs, one ffmpeg per rung + one for audio, two at a time',
      }),
    ];
  },
};

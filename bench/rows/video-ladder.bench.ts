import os from 'node:os';
import { probeVideo } from '@fjord/media';
import { VIDEO_VARIANTS } from '@fjord/queue';
import { rowFromRuns, type BenchContext, type BenchDefinition } from '../bench-report';
import { ensureBenchTools } from './bench-tools';
import { cpuSecondsOf } from './cpu-time';
import {
  cpuByProcess,
  cpuSince,
  describeCpu,
  describeWorkerParallelism,
  startMediaStack,
} from './media-stack';
import { loadBenchClip, runSingleDecodeFfmpeg } from './video-baseline';

// Short: the row runs the whole flow and the baseline once each on a shared 2-core machine (≤ 5 min).
const CLIP_SECONDS = Number(process.env.BENCH_VIDEO_SECONDS) || 4;

/**
 * What Fjord ships for a video (the real flow after an upload through the API: the `cmaf` child's
 * single-decode ladder + download remux, and the poster, preview and storyboard children) vs the best
 * hand-written ffmpeg for the same outputs (one decode → split, the same codec settings; see
 * runSingleDecodeFfmpeg): × realtime (clip seconds / wall
 * seconds), higher is better.
 */
export const videoLadderBench: BenchDefinition = {
  name: 'video-ladder',
  async run(ctx: BenchContext) {
    await ensureBenchTools();
    const clip = await loadBenchClip(CLIP_SECONDS);
    const info = await probeVideo(clip.path);
    const clipSeconds = info.durationMs / 1000;
    const stack = await startMediaStack('bench-video-ladder', ctx.workerEnv);
    try {
      await stack.startWorkers();
      ctx.log(describeWorkerParallelism(stack));
      ctx.log(
        `workers up; clip ${info.width}×${info.height}, ${clipSeconds.toFixed(1)} s, ${clip.body.length} bytes`,
      );
      const fjord: number[] = [];
      const baseline: number[] = [];
      const fjordCpu: number[] = [];
      const baselineCpu: number[] = [];
      for (let r = 0; r < ctx.runs; r += 1) {
        const before = await cpuByProcess(stack);
        const start = performance.now();
        const { id } = await stack.upload(clip.body, `clip-${r}.mp4`, 'video/mp4');
        const readyAt = (await stack.waitReady([id])).get(id)!;
        const seconds = (readyAt - start) / 1000;
        const { used, total: cpu } = cpuSince(before, await cpuByProcess(stack));
        fjordCpu.push(cpu);
        fjord.push(clipSeconds / seconds);
        const baseCpuBefore = await cpuSecondsOf([]);
        const base = await runSingleDecodeFfmpeg({ input: clip.path, info, variants: VIDEO_VARIANTS });
        const baseCpu = (await cpuSecondsOf([])) - baseCpuBefore;
        baseline.push(clipSeconds / base);
        baselineCpu.push(baseCpu);
        ctx.log(
          `run ${r + 1}: fjord ${seconds.toFixed(1)} s upload → READY (${(clipSeconds / seconds).toFixed(2)}× ` +
            `realtime, stack CPU incl. ffmpeg ${cpu.toFixed(1)} s); single-decode ffmpeg ` +
            `${base.toFixed(1)} s (${(clipSeconds / base).toFixed(2)}×, CPU ${baseCpu.toFixed(1)} s); load ${os.loadavg()[0]!.toFixed(2)}; ` +
            `Fjord CPU-s by process: ${describeCpu(used, 1)}`,
        );
      }
      return [
        rowFromRuns({
          name: 'video-ladder',
          unit: '× realtime',
          fjord,
          baseline,
          higherIsBetter: true,
          goal: '≥ 0.95×',
          baselineSource:
            'one ffmpeg decode → split → every CMAF rung + AAC, download remux; poster, preview, storyboard beside',
        }),
        rowFromRuns({
          name: 'video-ladder-cpu',
          unit: 'CPU-s/clip',
          fjord: fjordCpu,
          baseline: baselineCpu,
          higherIsBetter: false,
          baselineSource:
            'the single-decode ffmpeg, same run; Fjord: the whole stack (web, every worker, ffmpeg)',
        }),
      ];
    } finally {
      await stack.stop();
    }
  },
};

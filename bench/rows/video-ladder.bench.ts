import os from 'node:os';
import { probeVideo } from '@fjord/media';
import { VIDEO_VARIANTS } from '@fjord/queue';
import { rowFromRuns, type BenchContext, type BenchDefinition } from '../bench-report';
import { ensureBenchTools } from './bench-tools';
import { processCpuSeconds } from './image-baselines';
import { describeWorkerParallelism, startMediaStack } from './media-stack';
import { loadBenchClip, runSingleDecodeFfmpeg } from './video-baseline';

const CLIP_SECONDS = 12;

/**
 * Fjord's ladder + poster + preview (the real worker jobs, one per output, after an upload through the
 * API) vs one hand-written single-decode ffmpeg for the same outputs: × realtime (clip seconds / wall
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
      const worker = stack.pipeline.workers.find((w) => w.name === 'transcode');
      ctx.log(
        `workers up; clip ${info.width}×${info.height}, ${clipSeconds.toFixed(1)} s, ${clip.body.length} bytes`,
      );
      const fjord: number[] = [];
      const baseline: number[] = [];
      for (let r = 0; r < ctx.runs; r += 1) {
        const cpuBefore = await processCpuSeconds(worker?.child.pid);
        const start = performance.now();
        const { id } = await stack.upload(clip.body, `clip-${r}.mp4`, 'video/mp4');
        const readyAt = (await stack.waitReady([id], { intervalMs: 50 })).get(id)!;
        const seconds = (readyAt - start) / 1000;
        const cpu = (await processCpuSeconds(worker?.child.pid)) - cpuBefore;
        fjord.push(clipSeconds / seconds);
        const base = await runSingleDecodeFfmpeg({ input: clip.path, info, variants: VIDEO_VARIANTS });
        baseline.push(clipSeconds / base);
        ctx.log(
          `run ${r + 1}: fjord ${seconds.toFixed(1)} s upload → READY (${(clipSeconds / seconds).toFixed(2)}× ` +
            `realtime, transcode CPU incl. ffmpeg ${cpu.toFixed(1)} s); single-decode ffmpeg ` +
            `${base.toFixed(1)} s (${(clipSeconds / base).toFixed(2)}×); load ${os.loadavg()[0]!.toFixed(2)}`,
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
          baselineSource: 'one ffmpeg decode → split → every rung; poster and preview beside it',
        }),
      ];
    } finally {
      await stack.stop();
    }
  },
};

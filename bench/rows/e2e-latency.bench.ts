import os from 'node:os';
import sharp from 'sharp';
import { renderImageVariant } from '@fjord/media';
import { IMAGE_VARIANTS } from '@fjord/queue';
import { rowFromRuns, type BenchContext, type BenchDefinition } from '../bench-report';
import { percentile, summarize } from '../bench-stats';
import { ensureBenchTools, workerAvifEffort } from './bench-tools';
import { describeWorkerParallelism, inParallel, startMediaStack, type MediaStack } from './media-stack';
import { loadPhotoSet, type Photo } from './photo-set';

/** Parallel clients of the burst, like a web tier's pool (tests/scale uses the same). */
const BURST_LANES = 16;
/** One ~1 s upload swung 0.71–1.25× from run to run: each run is the median of several. */
const IDLE_UPLOADS_PER_RUN = 5;
const WARM_UPLOADS = 3;
const median = (xs: number[]) => summarize(xs).median;

/**
 * The transcode stage alone, in this process: the worker's own render call and storage write for each
 * variant, as many at once as the worker runs jobs, with the worker's libvips threads. No queue, no
 * Postgres, no hand-offs: what is left of upload → READY beyond upload + this is Fjord's orchestration.
 */
async function timeTranscodeStage(stack: MediaStack, photo: Photo, run: number): Promise<number> {
  const { config } = stack;
  const previous = sharp.concurrency();
  sharp.concurrency(config.sharpConcurrency);
  try {
    const start = performance.now();
    await inParallel([...IMAGE_VARIANTS], config.TRANSCODE_CONCURRENCY, async (variant) => {
      const rendered = await renderImageVariant({
        input: photo.path,
        variant,
        avifEffort: workerAvifEffort(),
      });
      await stack.pipeline.storage.put(`bench/stage-${run}/${variant.name}`, rendered.data);
    });
    return performance.now() - start;
  } finally {
    sharp.concurrency(previous);
  }
}

export const e2eLatencyBench: BenchDefinition = {
  name: 'e2e-latency',
  async run(ctx: BenchContext) {
    const burstSize = ctx.uploads ?? 200;
    await ensureBenchTools();
    const photos = await loadPhotoSet(8);
    const stack = await startMediaStack('bench-e2e-latency', ctx.workerEnv);
    try {
      await stack.startWorkers();
      ctx.log(describeWorkerParallelism(stack));
      // Warm-up: a fresh stack's first uploads pay module loading and JIT on both sides (+400–600 ms for
      // the first; the second was still slow in every run with one warm-up), which no long-lived worker does.
      for (let i = 0; i < WARM_UPLOADS; i += 1) {
        const photo = photos[i % photos.length]!;
        await stack.waitReady([(await stack.upload(photo.body, `warm-${i}.jpg`, 'image/jpeg')).id]);
        await timeTranscodeStage(stack, photo, -1 - i);
      }
      const idle: number[] = [];
      const stages: number[] = [];
      for (let r = 0; r < ctx.runs; r += 1) {
        const ready: number[] = [];
        const alone: number[] = [];
        for (let i = 0; i < IDLE_UPLOADS_PER_RUN; i += 1) {
          const photo = photos[(r * IDLE_UPLOADS_PER_RUN + i + 1) % photos.length]!;
          const up = await stack.upload(photo.body, `idle-${r}-${i}.jpg`, 'image/jpeg');
          const readyAt = (await stack.waitReady([up.id])).get(up.id)!;
          const uploadMs = up.acceptedAt - up.startedAt;
          const transcodeMs = await timeTranscodeStage(stack, photo, r * IDLE_UPLOADS_PER_RUN + i);
          ready.push(readyAt - up.startedAt);
          alone.push(uploadMs + transcodeMs);
        }
        idle.push(median(ready));
        stages.push(median(alone));
        ctx.log(
          `run ${r + 1}: upload → READY ${ready.map((ms) => ms.toFixed(0)).join(' / ')} ms (median ` +
            `${idle.at(-1)!.toFixed(0)}); stages alone ${alone.map((ms) => ms.toFixed(0)).join(' / ')} ms ` +
            `(median ${stages.at(-1)!.toFixed(0)}); load ${os.loadavg()[0]!.toFixed(2)}`,
        );
      }
      const batch = Array.from({ length: burstSize }, (_, i) => photos[i % photos.length]!);
      const start = performance.now();
      const uploads = await inParallel(batch, BURST_LANES, (p, i) =>
        stack.upload(p.body, `burst-${i}.jpg`, 'image/jpeg'),
      );
      const readyAt = await stack.waitReady(uploads.map((u) => u.id));
      const latencies = uploads.map((u) => readyAt.get(u.id)! - u.startedAt).sort((a, b) => a - b);
      const burstSeconds = (Math.max(...readyAt.values()) - start) / 1000;
      const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)];
      ctx.log(
        `burst of ${burstSize}: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, all READY after ` +
          `${burstSeconds.toFixed(1)} s (${(burstSize / burstSeconds).toFixed(2)} images/s); load ${os.loadavg()[0]!.toFixed(2)}`,
      );
      const idleSource = `the same stack idle: upload → READY (median of the runs, each of ${IDLE_UPLOADS_PER_RUN})`;
      return [
        rowFromRuns({
          name: 'e2e-latency',
          unit: 'ms',
          fjord: idle,
          baseline: stages,
          higherIsBetter: false,
          goal: '≥ 0.91× (READY ≤ 1.1× the stages)',
          baselineSource:
            'sum of the stages run alone: upload to 202 + the variants rendered and stored in-process',
        }),
        rowFromRuns({
          name: `e2e-latency-burst${burstSize}-p50`,
          unit: 'ms',
          fjord: [p50],
          baseline: idle,
          higherIsBetter: false,
          baselineSource: idleSource,
        }),
        rowFromRuns({
          name: `e2e-latency-burst${burstSize}-p99`,
          unit: 'ms',
          fjord: [p99],
          baseline: idle,
          higherIsBetter: false,
          baselineSource: idleSource,
        }),
      ];
    } finally {
      await stack.stop();
    }
  },
};

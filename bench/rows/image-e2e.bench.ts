import os from 'node:os';
import sharp from 'sharp';
import { IMAGE_VARIANTS } from '@fjord/queue';
import { rowFromRuns, type BenchContext, type BenchDefinition } from '../bench-report';
import { cpuSecondsOf } from './cpu-time';
import { runBareSharp, runImageMagick } from './image-baselines';
import {
  cpuByProcess,
  cpuSince,
  describeCpu,
  describeWorkerParallelism,
  inParallel,
  startMediaStack,
  type MediaStack,
} from './media-stack';
import { loadPhotoSet, type Photo } from './photo-set';
import { ensureBenchTools, workerAvifEffort } from './bench-tools';

/** Uploads in flight from the client: enough that the API never starves the workers. */
const UPLOAD_LANES = 4;
/** Files in flight in the hand-written baselines (issue 11). */
const BASELINE_IN_FLIGHT = 2;
/** ImageMagick is ~10× slower: a few files give its rate without holding the shared lock for minutes. */
const IMAGEMAGICK_FILES = 4;

/**
 * N uploads through the API until all READY: images/s; the transcode worker's CPU; and the CPU of the
 * whole stack (web handlers and client in this process, every worker), which other load on the machine
 * does not inflate the way it inflates wall time.
 */
async function runFjord(stack: MediaStack, photos: Photo[]) {
  const before = await cpuByProcess(stack);
  const start = performance.now();
  const uploads = await inParallel(photos, UPLOAD_LANES, (p) =>
    stack.upload(p.body, p.filename, 'image/jpeg'),
  );
  const readyAt = await stack.waitReady(uploads.map((u) => u.id));
  const seconds = (Math.max(...readyAt.values()) - start) / 1000;
  const { used, total: stackCpu } = cpuSince(before, await cpuByProcess(stack));
  const transcodeCpu = used.find(([name]) => name === 'transcode')?.[1] ?? Number.NaN;
  return {
    seconds,
    rate: photos.length / seconds,
    transcodeCpu,
    cpuPerImage: stackCpu / photos.length,
    breakdown: describeCpu(used, photos.length),
  };
}

/** Wall seconds and CPU seconds per image of a baseline run in this process and its children. */
async function timeBaseline(images: number, fn: () => Promise<number>) {
  const cpuBefore = await cpuSecondsOf([]);
  const seconds = await fn();
  return { rate: images / seconds, cpuPerImage: ((await cpuSecondsOf([])) - cpuBefore) / images };
}

export const imageE2eBench: BenchDefinition = {
  name: 'image-e2e',
  async run(ctx: BenchContext) {
    const count = ctx.uploads ?? 16;
    await ensureBenchTools({ imageMagick: true });
    const photos = await loadPhotoSet(Math.min(count, 8));
    const batch = Array.from({ length: count }, (_, i) => photos[i % photos.length]!);
    const avifEffort = workerAvifEffort();
    const stack = await startMediaStack('bench-image-e2e', ctx.workerEnv);
    const cores = os.availableParallelism();
    try {
      await stack.startWorkers();
      ctx.log(describeWorkerParallelism(stack));
      ctx.log(
        `workers up; ${count} uploads per run, ${cores} cores, bench sharp.concurrency ${sharp.concurrency()}`,
      );
      // Warm-up: the first job of a fresh worker pays module loading and JIT.
      await stack.waitReady([(await stack.upload(photos[0]!.body, 'warm.jpg', 'image/jpeg')).id]);
      const fjord: number[] = [];
      const bare: number[] = [];
      const magick: number[] = [];
      const fjordCpu: number[] = [];
      const bareCpu: number[] = [];
      for (let r = 0; r < ctx.runs; r += 1) {
        const f = await runFjord(stack, batch);
        fjord.push(f.rate);
        fjordCpu.push(f.cpuPerImage);
        const s = await timeBaseline(count, () =>
          runBareSharp({ photos: batch, variants: IMAGE_VARIANTS, avifEffort, inFlight: BASELINE_IN_FLIGHT }),
        );
        bare.push(s.rate);
        bareCpu.push(s.cpuPerImage);
        const few = batch.slice(0, IMAGEMAGICK_FILES);
        const m = await timeBaseline(few.length, () =>
          runImageMagick({ photos: few, variants: IMAGE_VARIANTS, inFlight: BASELINE_IN_FLIGHT }),
        );
        magick.push(m.rate);
        ctx.log(
          `run ${r + 1}: fjord ${f.rate.toFixed(2)} img/s (${f.seconds.toFixed(1)} s, ${f.cpuPerImage.toFixed(2)} ` +
            `CPU-s/image; transcode worker ${f.transcodeCpu.toFixed(1)} CPU-s = ` +
            `${((100 * f.transcodeCpu) / (f.seconds * cores)).toFixed(0)} % of ${cores} cores); bare sharp ` +
            `${s.rate.toFixed(2)} img/s (${s.cpuPerImage.toFixed(2)} CPU-s/image); ImageMagick ` +
            `${m.rate.toFixed(2)} img/s (${m.cpuPerImage.toFixed(2)} CPU-s/image); load ${os.loadavg()[0]!.toFixed(2)}; ` +
            `Fjord CPU-s/image by process: ${f.breakdown}`,
        );
      }
      return [
        rowFromRuns({
          name: 'image-e2e',
          unit: 'images/s',
          fjord,
          baseline: bare,
          higherIsBetter: true,
          goal: '≥ 0.9×',
          baselineSource: `bare sharp, same files and encoder settings, ${BASELINE_IN_FLIGHT} files in flight`,
        }),
        rowFromRuns({
          name: 'image-e2e-cpu',
          unit: 'CPU-s/image',
          fjord: fjordCpu,
          baseline: bareCpu,
          higherIsBetter: false,
          baselineSource:
            'bare sharp, same run; CPU of the whole stack (web, client, every worker) vs the script',
        }),
        rowFromRuns({
          name: 'image-e2e-vs-imagemagick',
          unit: 'images/s',
          fjord,
          baseline: magick,
          higherIsBetter: true,
          goal: '≥ 4×',
          baselineSource: `ImageMagick 6 convert, one decode per file, ${BASELINE_IN_FLIGHT} files in flight`,
        }),
      ];
    } finally {
      await stack.stop();
    }
  },
};

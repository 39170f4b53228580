import { IMAGE_VARIANTS } from '@fjord/queue';
import { runBurst } from './scale-burst';
import { checkExactlyOnce, type Check } from './scale-checks';
import { generateImages } from './scale-images';

export type ThroughputRow = {
  transcodeReplicas: number;
  uploads: number;
  seconds: number;
  transcodeJobsPerSecond: number;
  mediaPerSecond: number;
};

/**
 * The same burst with 1, then 2 transcode replicas (one db and one email worker each time): transcode
 * jobs per second from the first upload to the last READY. Printed, never asserted (speed belongs to
 * benchmarks); the exactly-once checks still run on each burst.
 */
export async function runScaleThroughput(opts: {
  uploads: number;
  replicas?: number[];
  log?: (line: string) => void;
}): Promise<{ rows: ThroughputRow[]; checks: Check[] }> {
  const log = opts.log ?? console.log;
  const images = await generateImages(opts.uploads, 7);
  const rows: ThroughputRow[] = [];
  const checks: Check[] = [];
  for (const transcodeReplicas of opts.replicas ?? [1, 2]) {
    log(`throughput: ${opts.uploads} uploads, ${transcodeReplicas} transcode replica(s)`);
    const burst = await runBurst({
      label: `scale-tp${transcodeReplicas}`,
      images,
      transcodeReplicas,
      dbReplicas: 1,
      emailReplicas: 1,
      log,
    });
    try {
      const seconds = burst.elapsedMs / 1000;
      rows.push({
        transcodeReplicas,
        uploads: opts.uploads,
        seconds,
        transcodeJobsPerSecond: (opts.uploads * IMAGE_VARIANTS.length) / seconds,
        mediaPerSecond: opts.uploads / seconds,
      });
      for (const check of await checkExactlyOnce(burst)) {
        checks.push({ ...check, name: `[${transcodeReplicas} replica(s)] ${check.name}` });
      }
    } finally {
      await burst.pipeline.stop();
    }
  }
  return { rows, checks };
}

export function formatThroughput(rows: ThroughputRow[]): string {
  const base = rows[0];
  const lines = rows.map(
    (r) =>
      `  ${r.transcodeReplicas} transcode replica(s): ${r.uploads} uploads in ${r.seconds.toFixed(1)} s = ` +
      `${r.transcodeJobsPerSecond.toFixed(1)} transcode jobs/s, ${r.mediaPerSecond.toFixed(1)} media/s` +
      (base && r !== base
        ? ` (×${(r.transcodeJobsPerSecond / base.transcodeJobsPerSecond).toFixed(2)} vs ${base.transcodeJobsPerSecond.toFixed(1)})`
        : ' (baseline)'),
  );
  return lines.join('\n');
}

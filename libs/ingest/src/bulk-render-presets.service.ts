import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import {
  jobOf,
  JobName,
  MAX_PRIORITY,
  renderPresetsJob,
  renderPresetsJobId,
  RenderPresetsJobResultSchema,
  type Queues,
} from '@fjord/queue';
import type { BulkReprocessLease } from './bulk-reprocess-lease';
import {
  assertPreset,
  countSelection,
  forEachSelectedImage,
  measureJobCost,
  type RenderCostSample,
} from './bulk-reprocess.service';

export type BulkPresetRenderDeps = {
  db: DbClient;
  queues: Pick<Queues, 'transcode'>;
  presets: Readonly<Record<string, string>>;
  /** IMAGE_EAGER_PRESETS: only those have renders to bring up to date. */
  eagerPresets: readonly string[];
  config: Pick<Config, 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>;
};

export type BulkPresetRenderPreview = {
  preset: string;
  images: number;
  megapixels: number;
  /** One `render-presets` job per image (every format `f:auto` negotiates, in that job). */
  jobsPerImage: 1;
  cpuMinutes: number | null;
  sample: RenderCostSample | null;
  before: Date;
};

function assertEager(deps: Pick<BulkPresetRenderDeps, 'presets' | 'eagerPresets'>, preset: string) {
  assertPreset(deps.presets, preset);
  if (!deps.eagerPresets.includes(preset)) {
    throw new AppError(
      'bad_request',
      `Preset "${preset}" is not eager (IMAGE_EAGER_PRESETS: ${deps.eagerPresets.join(', ') || 'none'}): ` +
        'a lazy preset renders its new options on the next request, nothing to reprocess.',
    );
  }
}

/**
 * The measured cost of one presets job per source megapixel, from the retained completed
 * `render-presets` jobs (a skipped one rendered nothing and is left out). Null until one ran.
 */
export async function measurePresetRenderCost(
  queues: Pick<Queues, 'transcode'>,
): Promise<RenderCostSample | null> {
  return measureJobCost(queues, JobName.renderPresets, (value) => {
    const result = RenderPresetsJobResultSchema.safeParse(value);
    return result.success && !result.data.skipped && result.data.stored > 0 ? result.data : null;
  });
}

/**
 * "Eager presets only": what re-rendering one eager preset into the /img cache for every READY image
 * would cost — one job per image, no flow (docs/adr/0027).
 */
export async function previewBulkPresetRender(
  deps: Pick<BulkPresetRenderDeps, 'db' | 'queues' | 'presets' | 'eagerPresets'>,
  input: { preset: string; before?: Date },
): Promise<BulkPresetRenderPreview> {
  assertEager(deps, input.preset);
  const before = input.before ?? new Date();
  const { images, megapixels } = await countSelection(deps.db, before);
  const sample = await measurePresetRenderCost(deps.queues);
  const cpuMinutes = sample ? (sample.msPerMegapixel * megapixels) / 60_000 : null;
  return { preset: input.preset, images, megapixels, jobsPerImage: 1, cpuMinutes, sample, before };
}

export type BulkPresetRenderResult = { queued: number; before: Date };

/**
 * Queues one `render-presets` job per selected image, for its current run, with the preset's options as
 * this process's config has them, at most `ratePerSecond` a second, at the lowest priority (behind every
 * upload), under the bulk lease. Idempotent: the job id is derived from media, run and options, and the
 * worker skips what is cached, so starting it again renders only what is missing.
 */
export async function runBulkPresetRender(
  deps: BulkPresetRenderDeps & { lease: BulkReprocessLease },
  input: { preset: string; before: Date; ratePerSecond: number; batch?: number },
): Promise<BulkPresetRenderResult> {
  let queued = 0;
  try {
    assertEager(deps, input.preset);
    const presets = [{ name: input.preset, options: deps.presets[input.preset]! }];
    await forEachSelectedImage(deps, input, async ({ id, run }) => {
      const data = { v: 1 as const, mediaId: id, run, presets };
      const job = jobOf(renderPresetsJob, deps.config, data, {
        jobId: renderPresetsJobId(data),
        priority: MAX_PRIORITY,
      });
      await deps.queues.transcode.add(job.name, job.data, job.opts);
      queued++;
    });
  } catch (err) {
    // The run's own error is the one to report; a lease Redis cannot give back runs out by itself.
    await deps.lease.release().catch(() => undefined);
    throw err;
  }
  await deps.lease.release();
  return { queued, before: input.before };
}

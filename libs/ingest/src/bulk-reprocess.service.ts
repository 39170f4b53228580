import type { DbClient } from '@fjord/db';
import { AppError, isAppError } from '@fjord/errors';
import { JobName, TranscodeJobResultSchema, variantNamesFor, type Queues } from '@fjord/queue';
import type { BulkReprocessLease } from './bulk-reprocess-lease';
import type { createMediaReprocessing } from './reprocess-media.service';

/** How many finished image jobs the estimate reads at most (BullMQ keeps the last 1 000 completed). */
const SAMPLE_JOBS = 1_000;

export type RenderCostSample = { jobs: number; msPerMegapixel: number };

export type BulkReprocessPreview = {
  preset: string;
  /** READY images finished before `before`: what a run would reprocess. */
  images: number;
  megapixels: number;
  /** Image variant jobs per media (the whole image flow runs again). */
  jobsPerImage: number;
  /** null: no finished image job is retained yet to measure from. */
  cpuMinutes: number | null;
  sample: RenderCostSample | null;
  before: Date;
};

export type BulkReprocessDeps = {
  db: DbClient;
  queues: Pick<Queues, 'transcode'>;
  presets: Readonly<Record<string, string>>;
  reprocessMedia: ReturnType<typeof createMediaReprocessing>;
};

/**
 * The measured cost of one image variant job per source megapixel: the processing time BullMQ recorded
 * (processedOn → finishedOn: read, decode, resize, encode, placeholder, write) of the retained completed
 * `transcode-image` jobs, over the source megapixels their results report. Never a constant.
 */
export async function measureImageRenderCost(
  queues: Pick<Queues, 'transcode'>,
): Promise<RenderCostSample | null> {
  return measureJobCost(queues, JobName.transcodeImage, (value) => {
    const result = TranscodeJobResultSchema.safeParse(value);
    return result.success ? result.data : null;
  });
}

/**
 * ms per source megapixel over the retained completed jobs of one name on the transcode queue;
 * `sourceOf` reads a job's result (null: leave the job out). Null when no job counts.
 */
export async function measureJobCost(
  queues: Pick<Queues, 'transcode'>,
  name: string,
  sourceOf: (returnvalue: unknown) => { sourceWidth: number; sourceHeight: number } | null,
): Promise<RenderCostSample | null> {
  const jobs = await queues.transcode.getJobs(['completed'], 0, SAMPLE_JOBS - 1);
  let ms = 0;
  let megapixels = 0;
  let count = 0;
  for (const job of jobs) {
    if (job?.name !== name || !job.processedOn || !job.finishedOn) continue;
    const source = sourceOf(job.returnvalue);
    if (!source) continue;
    ms += job.finishedOn - job.processedOn;
    megapixels += (source.sourceWidth * source.sourceHeight) / 1e6;
    count++;
  }
  if (count === 0 || megapixels === 0) return null;
  return { jobs: count, msPerMegapixel: ms / megapixels };
}

/** The selection's size, counted and summed in Postgres (previewBulkReprocess, previewBulkPresetRender). */
export async function countSelection(db: DbClient, before: Date) {
  // A preview over a million images reads one row, not a million.
  // bigint product: one 50 000 × 50 000 image already overflows int.
  const [totals] = await db.$queryRaw<{ images: number; pixels: number }[]>`
    SELECT count(*)::int AS images, COALESCE(SUM("width"::bigint * "height"::bigint), 0)::float8 AS pixels
    FROM "Media"
    WHERE "kind" = 'IMAGE' AND "status" = 'READY' AND "finishedAt" < ${before}`;
  return { images: totals?.images ?? 0, megapixels: (totals?.pixels ?? 0) / 1e6 };
}

export function assertPreset(presets: Readonly<Record<string, string>>, preset: string): void {
  if (!Object.hasOwn(presets, preset)) {
    throw new AppError(
      'bad_request',
      `There is no preset "${preset.slice(0, 32)}"; presets: ${Object.keys(presets).join(', ')}.`,
    );
  }
}

/** What a run reprocesses; the preview counts the same rows in SQL (previewBulkReprocess). */
const selection = (before: Date) => ({ kind: 'IMAGE', status: 'READY', finishedAt: { lt: before } }) as const;

/**
 * After a preset changed: which images a bulk reprocess would run again, and what it costs —
 * "N images, ~X CPU-minutes" (docs/adr/0027-presets-and-bulk-reprocess.md). `before` is the run's cutoff:
 * an image finished after it was already reprocessed, so a run cut off resumes with the same cutoff.
 */
export async function previewBulkReprocess(
  deps: Pick<BulkReprocessDeps, 'db' | 'queues' | 'presets'>,
  input: { preset: string; before?: Date },
): Promise<BulkReprocessPreview> {
  assertPreset(deps.presets, input.preset);
  const before = input.before ?? new Date();
  const { images, megapixels } = await countSelection(deps.db, before);
  const jobsPerImage = variantNamesFor('IMAGE').length;
  const sample = await measureImageRenderCost(deps.queues);
  const cpuMinutes = sample ? (sample.msPerMegapixel * megapixels * jobsPerImage) / 60_000 : null;
  return { preset: input.preset, images, megapixels, jobsPerImage, cpuMinutes, sample, before };
}

/** "412 images (1 236 jobs), ~3 CPU-minutes" — for the console and the CLI alike. */
export function formatBulkReprocessPreview(p: BulkReprocessPreview): string {
  const jobs = p.images * p.jobsPerImage;
  const head = `${p.images} image${p.images === 1 ? '' : 's'} (${jobs} jobs, ${p.megapixels.toFixed(1)} MP)`;
  if (p.cpuMinutes === null) return `${head}, cost unknown: no finished image job to measure from yet`;
  const minutes = p.cpuMinutes < 0.1 ? '< 0.1' : `~${p.cpuMinutes.toFixed(1)}`;
  const per = `${Math.round(p.sample!.msPerMegapixel)} ms per MP per job`;
  return `${head}, ${minutes} CPU-minutes (${per}, measured over ${p.sample!.jobs} recent jobs)`;
}

export type BulkReprocessResult = { queued: number; skipped: number; before: Date };

/**
 * Reprocesses the preview's selection, oldest first, at most `ratePerSecond` media a second, holding the
 * preset's lease (acquireBulkReprocessLease: one run per preset at a time), renewed as it goes and given
 * back at its end, done or failed. Each flow carries its owner's fair-share priority (reprocessMedia →
 * ownerFlowPriority, ADR 0021), so a bulk run queues behind everyone's uploads. Idempotent and resumable:
 * a queued image leaves the selection (its finishedAt moves past `before`), one still in flight is
 * skipped, and running again with the same `before` picks up exactly what is left.
 */
export async function runBulkReprocess(
  deps: BulkReprocessDeps & { lease: BulkReprocessLease },
  input: { preset: string; before: Date; ratePerSecond: number; batch?: number },
): Promise<BulkReprocessResult> {
  const result = await reprocessSelection(deps, input).catch(async (err: unknown) => {
    // The run's own error is the one to report; a lease Redis cannot give back runs out by itself.
    await deps.lease.release().catch(() => undefined);
    throw err;
  });
  await deps.lease.release();
  return result;
}

async function reprocessSelection(
  deps: BulkReprocessDeps & { lease: BulkReprocessLease },
  input: Parameters<typeof runBulkReprocess>[1],
): Promise<BulkReprocessResult> {
  assertPreset(deps.presets, input.preset);
  let queued = 0;
  let skipped = 0;
  await forEachSelectedImage(deps, input, async ({ id }) => {
    try {
      await deps.reprocessMedia(id);
      queued++;
    } catch (err) {
      // Being processed (or deleted) meanwhile: nothing to do for it now.
      if (!isAppError(err) || (err.code !== 'conflict' && err.code !== 'not_found')) throw err;
      skipped++;
    }
  });
  return { queued, skipped, before: input.before };
}

/**
 * The selection (READY images finished before the cutoff), paged by id, one media at a time at most
 * `ratePerSecond` a second, renewing the lease before each.
 */
export async function forEachSelectedImage(
  deps: { db: DbClient; lease: BulkReprocessLease },
  input: { before: Date; ratePerSecond: number; batch?: number },
  action: (media: { id: string; run: number }) => Promise<void>,
): Promise<void> {
  const interval = 1000 / Math.max(0.1, input.ratePerSecond);
  const batch = input.batch ?? 100;
  let cursor: string | undefined;
  for (;;) {
    const page = await deps.db.media.findMany({
      where: { ...selection(input.before), ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      select: { id: true, run: true },
      take: batch,
    });
    if (page.length === 0) break;
    for (const media of page) {
      await deps.lease.keep();
      const startedAt = Date.now();
      await action(media);
      const wait = interval - (Date.now() - startedAt);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    cursor = page.at(-1)!.id;
  }
}

import type { DbClient } from '@fjord/db';
import {
  appendJobLog,
  attemptTag,
  findImageVariant,
  handleJob,
  runFolder,
  safePublish,
  transcodeImageJob,
  UnrecoverableError,
  type Job,
  type MediaEventPublisher,
  type QueueLogger,
  type TranscodeJobData,
} from '@fjord/queue';
import type { ImageInput } from '@fjord/media';
import { renditionKey, type BlobStore } from '@fjord/storage';
import { renderAll, renderInIsolation, type SpawnRenderChild } from './isolated-render';
import { renderEagerPresets, type EagerPresetDeps } from './render-eager-presets';
import { announceFailedVariant, openMedia, putFencedOutput } from './transcode-shared';

export type TranscodeProcessorDeps = {
  db: DbClient;
  storage: BlobStore;
  events: Pick<MediaEventPublisher, 'publish'>;
  logger: QueueLogger;
  avifEffort: number;
  /** A job stalled this many times renders in a child process of its own (ADR 0025). */
  isolateAfterStalls: number;
  /** Tests only: what runs the isolated render (default: this entrypoint again). */
  spawnRenderChild?: SpawnRenderChild;
  /** The /img cache and limits the eager presets of a job are rendered into (docs/adr/0027). */
  eager: Pick<EagerPresetDeps, 'cache' | 'limits'>;
};

const EXT_BY_FORMAT: Record<string, string> = { jpeg: 'jpg', webp: 'webp', avif: 'avif', png: 'png' };

/** Renders one variant of one media item; returns metadata only (the bytes go to storage). */
export function createTranscodeProcessor(deps: TranscodeProcessorDeps) {
  const { db, storage, logger } = deps;
  const publish = safePublish(deps.events, logger);

  /** After the variant is written: never fails the job, and skips a file that already stalled workers. */
  async function warmEagerPresets(opts: {
    data: TranscodeJobData;
    job: Job;
    input: ImageInput;
    isSuspect: boolean;
    log: Record<string, unknown>;
  }) {
    const { data, job, log } = opts;
    const presets = data.eagerPresets ?? [];
    if (opts.isSuspect || typeof data.run !== 'number') {
      logger.warn(
        { ...log, presets: presets.map((p) => p.name) },
        'eager presets skipped: suspect job or unnumbered run',
      );
      return;
    }
    const startedAt = Date.now();
    const { stored, failed } = await renderEagerPresets(
      { db, logger, avifEffort: deps.avifEffort, ...deps.eager },
      { mediaId: data.mediaId, run: data.run, presets, input: opts.input },
    );
    await appendJobLog(
      job,
      `eager presets ${presets.map((p) => p.name).join(',')}: ${stored} stored, ${failed} failed in ${Date.now() - startedAt} ms`,
    );
  }

  return handleJob(
    transcodeImageJob,
    async (data, job) => {
      const { mediaId } = data;
      const log = { mediaId, variant: data.variant, requestId: data.requestId, jobId: job.id };
      const variant = findImageVariant(data.variant);
      if (!variant) throw new UnrecoverableError(`Unknown image variant "${data.variant}"`);

      const media = await openMedia({ db, publish }, data);

      await appendJobLog(
        job,
        `attempt ${job.attemptsMade + 1}: rendering ${variant.name} from ${media.storageKey}`,
      );
      const startedAt = Date.now();
      const original = storage.localPath?.(media.storageKey) ?? (await storage.read(media.storageKey));
      const request = { input: original, variant, avifEffort: deps.avifEffort };
      // Its workers died under it before: the file may be what kills them (docs/adr/0025-stalled-jobs.md).
      // Then every decode of the job (HEIC preparation, render, placeholder) runs in the child.
      const isSuspect = job.stalledCounter >= deps.isolateAfterStalls;
      if (isSuspect) {
        await appendJobLog(job, `stalled ${job.stalledCounter} times: rendering in a process of its own`);
        logger.warn({ ...log, stalled: job.stalledCounter }, 'suspect job: rendering in isolation');
      }
      // A corrupt file fails at once with its human reason; runWorker decides (ADR 0013).
      const { rendered, placeholder } = isSuspect
        ? await renderInIsolation(request, {
            spawnChild: deps.spawnRenderChild,
            onCrash: (how) => logger.warn({ ...log, how }, 'isolated render crashed'),
          })
        : await renderAll(request);

      const { format, mimeType, width, height, sourceWidth, sourceHeight } = rendered;
      const ext = EXT_BY_FORMAT[format] ?? format;
      const storageKey = renditionKey(mediaId, variant.name, ext, runFolder(data.run), attemptTag(job));
      const { bytes } = await putFencedOutput({ job, storage, key: storageKey, source: () => rendered.data });
      await appendJobLog(
        job,
        `wrote ${storageKey}: ${width}×${height}, ${bytes} bytes in ${Date.now() - startedAt} ms`,
      );
      logger.info({ ...log, width, height, bytes }, 'variant rendered');
      if (data.eagerPresets?.length) {
        await warmEagerPresets({ data, job, input: original, isSuspect, log });
      }
      await publish({ mediaId, type: 'variant-done', variant: variant.name });
      return {
        variant: variant.name,
        format,
        mimeType,
        width,
        height,
        bytes,
        storageKey,
        sourceWidth,
        sourceHeight,
        placeholder,
      };
    },
    { onFailedForGood: announceFailedVariant(publish) },
  );
}

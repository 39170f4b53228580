import { createReadStream } from 'node:fs';
import type { DbClient } from '@fjord/db';
import { renderAnimatedMp4, type DecodedSource } from '@fjord/media';
import {
  ANIMATED_MP4_ALONGSIDE,
  ANIMATED_MP4_RENDITION,
  appendJobLog,
  findImageVariant,
  handleJob,
  PLACEHOLDER_VARIANT,
  safePublish,
  transcodeImageJob,
  UnrecoverableError,
  type Job,
  type MediaEventPublisher,
  type QueueLogger,
  type TranscodeJobData,
} from '@fjord/queue';
import type { ImageInput } from '@fjord/media';
import type { BlobStore } from '@fjord/storage';
import { renderAll, renderInIsolation, type SpawnRenderChild } from './isolated-render';
import { renderEagerPresets, type EagerPresetDeps } from './render-eager-presets';
import {
  announceFailedVariant,
  openMedia,
  putRunFile,
  withVideoInput,
  type VideoProcessorDeps,
} from './transcode-shared';

export type TranscodeProcessorDeps = {
  db: DbClient;
  storage: BlobStore;
  events: Pick<MediaEventPublisher, 'publish'>;
  logger: QueueLogger;
  avifEffort: number;
  /** The animated MP4's ffmpeg run: threads, time limit, scratch space, cancel on delete (ADR 0023). */
  video: Pick<VideoProcessorDeps, 'cancels' | 'ffmpegThreads' | 'timeoutMs' | 'tempDir'>;
  /** ANIMATED_MP4_MIN_FRAMES. */
  animatedMp4MinFrames: number;
  /** A job stalled this many times renders in a child process of its own (ADR 0025). */
  isolateAfterStalls: number;
  /** Tests only: what runs the isolated render (default: this entrypoint again). */
  spawnRenderChild?: SpawnRenderChild;
  /** The /img cache and limits the eager presets of a job are rendered into (docs/adr/0027). */
  eager: Pick<EagerPresetDeps, 'cache' | 'limits'>;
};

const EXT_BY_FORMAT: Record<string, string> = { jpeg: 'jpg', webp: 'webp', avif: 'avif', png: 'png' };

/**
 * The w1280-webp child of a long animated GIF also renders its MP4 (ADR 0023) through the ffmpeg runner,
 * under the media's cancel signal; null when the input gets none.
 */
async function renderAnimatedMp4Beside(
  deps: TranscodeProcessorDeps,
  data: TranscodeJobData,
  job: Job,
  media: { storageKey: string },
  maxWidth: number,
) {
  const { video, storage } = deps;
  const opts = { storage, ...video };
  return withVideoInput(
    opts,
    { mediaId: data.mediaId, storageKey: media.storageKey },
    async (input, signal) => {
      const out = await renderAnimatedMp4({
        input,
        maxWidth,
        minFrames: deps.animatedMp4MinFrames,
        tempRoot: video.tempDir,
        opts: { threads: video.ffmpegThreads, timeoutMs: video.timeoutMs, signal },
      });
      if (!out) return null;
      try {
        const { storageKey, bytes } = await putRunFile(
          { job, data, storage },
          { variant: ANIMATED_MP4_RENDITION, ext: out.ext, source: () => createReadStream(out.path) },
        );
        const { format, mimeType, width, height, durationMs, bitrate } = out;
        const file = { format, mimeType, width, height, durationMs, bitrate };
        return { variant: ANIMATED_MP4_RENDITION, ...file, bytes, storageKey };
      } finally {
        await out.cleanup();
      }
    },
  );
}

/** Renders one variant of one media item; returns metadata only (the bytes go to storage). */
export function createTranscodeProcessor(deps: TranscodeProcessorDeps) {
  const { db, storage, logger } = deps;
  const publish = safePublish(deps.events, logger);

  /** After the variant is written: never fails the job, and skips a file that already stalled workers. */
  async function warmEagerPresets(opts: {
    data: TranscodeJobData;
    job: Job;
    input: ImageInput;
    decoded: DecodedSource;
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
      { mediaId: data.mediaId, run: data.run, presets, input: opts.input, decoded: opts.decoded },
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
      const withPlaceholder = variant.name === PLACEHOLDER_VARIANT;
      const decoded = deps.eager.cache.decodedSource(mediaId, data.run);
      const request = { input: original, variant, avifEffort: deps.avifEffort, withPlaceholder };
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
        : await renderAll(request, decoded);

      const { format, mimeType, width, height, sourceWidth, sourceHeight } = rendered;
      const ext = EXT_BY_FORMAT[format] ?? format;
      const { storageKey, bytes } = await putRunFile(
        { job, data, storage },
        { variant: variant.name, ext, source: () => rendered.data },
      );
      await appendJobLog(
        job,
        `wrote ${storageKey}: ${width}×${height}, ${bytes} bytes in ${Date.now() - startedAt} ms`,
      );
      logger.info({ ...log, width, height, bytes }, 'variant rendered');
      const mp4 =
        variant.name === ANIMATED_MP4_ALONGSIDE && rendered.frames
          ? await renderAnimatedMp4Beside(deps, data, job, media, variant.maxWidth)
          : null;
      if (mp4) {
        await appendJobLog(job, `wrote ${mp4.storageKey}: ${mp4.width}×${mp4.height}, ${mp4.bytes} bytes`);
        logger.info({ ...log, variant: mp4.variant, bytes: mp4.bytes }, 'animated MP4 rendered');
      }
      if (data.eagerPresets?.length) {
        await warmEagerPresets({ data, job, input: original, decoded, isSuspect, log });
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
        ...(placeholder ? { placeholder } : {}),
        ...(mp4 ? { alsoRendered: [mp4] } : {}),
      };
    },
    { onFailedForGood: announceFailedVariant(publish) },
  );
}

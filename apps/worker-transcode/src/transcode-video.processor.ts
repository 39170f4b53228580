import { createReadStream } from 'node:fs';
import { renderVideoVariant } from '@fjord/media';
import {
  attemptTag,
  findVideoVariant,
  handleJob,
  isObsoleteVideoVariant,
  runFolder,
  safePublish,
  transcodeVideoJob,
  UnrecoverableError,
  type Job,
  type TranscodeJobData,
  type TranscodeJobResult,
} from '@fjord/queue';
import { renditionPrefix } from '@fjord/storage';
import { transcodeLadder } from './transcode-ladder';
import {
  announceFailedVariant,
  DELETED,
  isMediaGone,
  openMedia,
  putRunFile,
  sourceOf,
  withVideoInput,
  type VideoProcessorDeps,
} from './transcode-shared';

const PROGRESS_EVENT_EVERY_MS = 500;

/**
 * One video output (the CMAF ladder with its download MP4, the poster or the preview) of one media; returns
 * metadata only. A per-rung MP4 job queued before ADR 0026 is answered as a skipped child.
 */
export function createVideoTranscodeProcessor(deps: VideoProcessorDeps) {
  const { db, storage, logger } = deps;
  const publish = safePublish(deps.events, logger);

  async function processVideoJob(data: TranscodeJobData, job: Job): Promise<TranscodeJobResult> {
    const { mediaId } = data;
    const variant = findVideoVariant(data.variant);
    const isObsolete = !variant && isObsoleteVideoVariant(data.variant);
    if (!variant && !isObsolete) throw new UnrecoverableError(`Unknown video variant "${data.variant}"`);
    const { storageKey: original } = await openMedia({ db, publish }, data);
    return withVideoInput(deps, { mediaId, storageKey: original }, async (input, signal) => {
      const info = await deps.probeOriginal(original, input);
      const base = {
        variant: data.variant,
        sourceWidth: info.width,
        sourceHeight: info.height,
        video: sourceOf(info),
      };
      let lastEventAt = 0;
      const opts = {
        threads: deps.ffmpegThreads,
        timeoutMs: deps.timeoutMs,
        signal,
        onProgress: (fraction: number) => {
          job.updateProgress(Math.round(fraction * 100)).catch(() => undefined);
          if (Date.now() - lastEventAt < PROGRESS_EVENT_EVERY_MS) return;
          lastEventAt = Date.now();
          void publish({ mediaId, type: 'progress', variant: data.variant });
        },
      };
      if (!variant) {
        // A per-rung MP4 job from before ADR 0026: the flow's ladder child makes the one download MP4.
        logger.info(
          { mediaId, variant: data.variant },
          'obsolete per-rung MP4 job: nothing to render (ADR 0026)',
        );
        await job.updateProgress(100);
        return {
          ...base,
          skipped: true,
          format: 'mp4',
          mimeType: 'video/mp4',
          width: info.width,
          height: info.height,
          bytes: 0,
          storageKey: '',
        };
      }
      if (variant.kind === 'ladder') {
        const prefix = renditionPrefix(mediaId, variant.name, runFolder(data.run), attemptTag(job));
        const out = await transcodeLadder({
          job,
          storage,
          input,
          info,
          prefix,
          tempRoot: deps.tempDir,
          opts,
        });
        if (await isMediaGone(db, mediaId, signal)) {
          await storage.deletePrefix(prefix);
          throw new UnrecoverableError(DELETED);
        }
        logger.info(
          { mediaId, variant: variant.name, rungs: out.stream?.rungs.length, bytes: out.bytes },
          'video ladder rendered',
        );
        await publish({ mediaId, type: 'variant-done', variant: variant.name });
        return { ...base, ...out };
      }
      const out = await renderVideoVariant({ input, info, variant, tempRoot: deps.tempDir, opts });
      try {
        const { storageKey, bytes } = await putRunFile(
          { job, data, storage },
          { variant: variant.name, ext: out.ext, source: () => createReadStream(out.path) },
        );
        // Deleted while the file was being stored: take back what was just written.
        if (await isMediaGone(db, mediaId, signal)) {
          await storage.delete(storageKey);
          throw new UnrecoverableError(DELETED);
        }
        logger.info(
          { mediaId, variant: variant.name, width: out.width, height: out.height, bytes },
          'video variant rendered',
        );
        await publish({ mediaId, type: 'variant-done', variant: variant.name });
        const { format, mimeType, width, height, durationMs, bitrate } = out;
        return { ...base, format, mimeType, width, height, bytes, storageKey, durationMs, bitrate };
      } finally {
        await out.cleanup();
      }
    });
  }

  return handleJob(transcodeVideoJob, processVideoJob, { onFailedForGood: announceFailedVariant(publish) });
}

import type { DbClient } from '@fjord/db';
import { renderImageVariant } from '@fjord/media';
import {
  appendJobLog,
  attemptTag,
  findImageVariant,
  handleJob,
  runFolder,
  safePublish,
  transcodeImageJob,
  UnrecoverableError,
  type MediaEventPublisher,
  type QueueLogger,
} from '@fjord/queue';
import { renditionKey, type BlobStore } from '@fjord/storage';
import { announceFailedVariant, openMedia, putFencedOutput } from './transcode-shared';

export type TranscodeProcessorDeps = {
  db: DbClient;
  storage: BlobStore;
  events: Pick<MediaEventPublisher, 'publish'>;
  logger: QueueLogger;
  avifEffort: number;
};

const EXT_BY_FORMAT: Record<string, string> = { jpeg: 'jpg', webp: 'webp', avif: 'avif', png: 'png' };

/** Renders one variant of one media item; returns metadata only (the bytes go to storage). */
export function createTranscodeProcessor(deps: TranscodeProcessorDeps) {
  const { db, storage, logger } = deps;
  const publish = safePublish(deps.events, logger);

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
      const input = storage.localPath?.(media.storageKey) ?? (await storage.read(media.storageKey));
      // A corrupt file fails at once with its human reason; runWorker decides (ADR 0013).
      const rendered = await renderImageVariant({ input, variant, avifEffort: deps.avifEffort });

      const { format, mimeType, width, height, sourceWidth, sourceHeight } = rendered;
      const ext = EXT_BY_FORMAT[format] ?? format;
      const storageKey = renditionKey(mediaId, variant.name, ext, runFolder(data.run), attemptTag(job));
      const { bytes } = await putFencedOutput({ job, storage, key: storageKey, source: () => rendered.data });
      await appendJobLog(
        job,
        `wrote ${storageKey}: ${width}×${height}, ${bytes} bytes in ${Date.now() - startedAt} ms`,
      );
      logger.info({ ...log, width, height, bytes }, 'variant rendered');
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
      };
    },
    { onFailedForGood: announceFailedVariant(publish) },
  );
}

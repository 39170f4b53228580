import type { DbClient } from '@fjord/db';
import { renderImageVariant } from '@fjord/media';
import {
  TranscodeJobDataSchema,
  appendJobLog,
  UnrecoverableError,
  findImageVariant,
  type Job,
  type MediaEventPublisher,
  type QueueLogger,
  type TranscodeJobResult,
} from '@fjord/queue';
import { renditionKey, type BlobStore } from '@fjord/storage';
import { isPermanent, markProcessing } from './transcode-shared';

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
  const { db, storage, events, logger } = deps;

  const publish = (event: Parameters<typeof events.publish>[0]) =>
    events
      .publish(event)
      .catch((err: unknown) => logger.warn({ err, mediaId: event.mediaId }, 'publish failed'));

  return async function processTranscodeJob(job: Job): Promise<TranscodeJobResult> {
    const data = TranscodeJobDataSchema.parse(job.data);
    const { mediaId } = data;
    const log = { mediaId, variant: data.variant, requestId: data.requestId, jobId: job.id };
    const variant = findImageVariant(data.variant);
    if (!variant) throw new UnrecoverableError(`Unknown image variant "${data.variant}"`);

    const media = await db.media.findUnique({ where: { id: mediaId }, select: { storageKey: true } });
    if (!media) throw new UnrecoverableError('The media was deleted before it could be processed');

    if (await markProcessing(db, mediaId)) await publish({ mediaId, type: 'processing' });

    await appendJobLog(
      job,
      `attempt ${job.attemptsMade + 1}: rendering ${variant.name} from ${media.storageKey}`,
    );
    const startedAt = Date.now();
    const input = storage.localPath?.(media.storageKey) ?? (await storage.read(media.storageKey));
    let rendered;
    try {
      rendered = await renderImageVariant({ input, variant, avifEffort: deps.avifEffort });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await appendJobLog(job, `render failed${isPermanent(err) ? ' (permanent, no retry)' : ''}: ${reason}`);
      const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (isPermanent(err) || isLastAttempt) {
        await publish({ mediaId, type: 'variant-failed', variant: variant.name });
      }
      // A corrupt file stays corrupt: fail now with the human reason instead of burning retries.
      if (isPermanent(err)) throw new UnrecoverableError(err.message);
      throw err;
    }

    const storageKey = renditionKey(
      mediaId,
      variant.name,
      EXT_BY_FORMAT[rendered.format] ?? rendered.format,
      data.run,
    );
    const { bytes } = await storage.put(storageKey, rendered.data);
    await appendJobLog(
      job,
      `wrote ${storageKey}: ${rendered.width}×${rendered.height}, ${bytes} bytes in ${Date.now() - startedAt} ms`,
    );
    logger.info({ ...log, width: rendered.width, height: rendered.height, bytes }, 'variant rendered');
    await publish({ mediaId, type: 'variant-done', variant: variant.name });
    return {
      variant: variant.name,
      format: rendered.format,
      mimeType: rendered.mimeType,
      width: rendered.width,
      height: rendered.height,
      bytes,
      storageKey,
      sourceWidth: rendered.sourceWidth,
      sourceHeight: rendered.sourceHeight,
    };
  };
}

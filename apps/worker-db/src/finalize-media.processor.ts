import type { DbClient } from '@fjord/db';
import {
  FinalizeJobDataSchema,
  appendJobLog,
  TranscodeJobResultSchema,
  type FinalizeJobResult,
  type Job,
  type MediaEventPublisher,
  type QueueLogger,
} from '@fjord/queue';

export type FinalizeProcessorDeps = {
  db: DbClient;
  events: Pick<MediaEventPublisher, 'publish'>;
  logger: QueueLogger;
  /** Queues webhook deliveries for the outcome; idempotent per (endpoint, event), so retries are safe. */
  emitWebhook?: (input: { event: 'media.ready' | 'media.failed'; mediaId: string }) => Promise<unknown>;
};

/** One sentence for the uploader, from the reasons of the transcode children that failed for good. */
export function describeFailures(reasons: string[]): string {
  const unique = [...new Set(reasons.map((r) => r.trim()).filter(Boolean))];
  if (unique.length === 0) return 'Processing could not be completed';
  return unique.join('; ');
}

/**
 * The fan-in: reads every child's result (and the failures the flow ignored so this job still runs),
 * then records the outcome in one transaction. Renditions are upserted by (mediaId, name), so a retried
 * finalize converges to the same rows.
 */
export function createFinalizeProcessor(deps: FinalizeProcessorDeps) {
  const { db, events, logger } = deps;
  const emitWebhook = deps.emitWebhook ?? (async () => undefined);

  return async function processFinalizeJob(job: Job): Promise<FinalizeJobResult> {
    const { mediaId, requestId } = FinalizeJobDataSchema.parse(job.data);
    const [values, ignored] = await Promise.all([job.getChildrenValues(), job.getIgnoredChildrenFailures()]);
    const results = Object.values(values).map((v) => TranscodeJobResultSchema.parse(v));
    const failures = Object.values(ignored);
    await appendJobLog(job, `children: ${results.length} rendered, ${failures.length} failed for good`);

    const media = await db.media.findUnique({
      where: { id: mediaId },
      select: { status: true, variantsTotal: true },
    });
    if (!media) return { mediaId, status: 'FAILED', error: 'The media was deleted' };
    if (media.status === 'READY') {
      await emitWebhook({ event: 'media.ready', mediaId });
      return { mediaId, status: 'READY' };
    }

    const isMissingVariants = results.length < media.variantsTotal;
    if (failures.length > 0 || isMissingVariants || results.length === 0) {
      const error = describeFailures(failures);
      await db.media.updateMany({
        where: { id: mediaId, status: { not: 'READY' } },
        data: { status: 'FAILED', error, finishedAt: new Date() },
      });
      await appendJobLog(job, `media marked FAILED: ${error}`);
      logger.warn({ mediaId, requestId, error, failures: failures.length }, 'media failed');
      await events.publish({ mediaId, type: 'failed' }).catch(() => undefined);
      await emitWebhook({ event: 'media.failed', mediaId });
      return { mediaId, status: 'FAILED', error };
    }

    const source = results[0]!;
    // Video: the probe's facts travel with every child's result; skipped rungs were never written.
    const video = results.find((r) => r.video)?.video;
    await db.$transaction([
      ...results
        .filter((r) => !r.skipped)
        .map((r) => {
          const fields = {
            format: r.format,
            mimeType: r.mimeType,
            width: r.width,
            height: r.height,
            bytes: r.bytes,
            bitrate: r.bitrate ?? null,
            durationMs: r.durationMs ?? null,
            storageKey: r.storageKey,
          };
          return db.rendition.upsert({
            where: { mediaId_name: { mediaId, name: r.variant } },
            create: { mediaId, name: r.variant, ...fields },
            update: fields,
            select: { id: true },
          });
        }),
      db.media.update({
        where: { id: mediaId },
        data: {
          status: 'READY',
          error: null,
          width: source.sourceWidth,
          height: source.sourceHeight,
          ...(video
            ? {
                durationMs: video.durationMs,
                videoCodec: video.videoCodec,
                audioCodec: video.audioCodec,
                bitrate: video.bitrate,
                rotation: video.rotation,
              }
            : {}),
          finishedAt: new Date(),
        },
        select: { id: true },
      }),
    ]);
    await appendJobLog(job, `media READY with ${results.length} renditions`);
    logger.info({ mediaId, requestId, renditions: results.length }, 'media ready');
    await events.publish({ mediaId, type: 'ready' }).catch(() => undefined);
    await emitWebhook({ event: 'media.ready', mediaId });
    return { mediaId, status: 'READY' };
  };
}

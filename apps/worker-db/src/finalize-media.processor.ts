import { countVideoMinutes, transitionMedia, type DbClient } from '@fjord/db';
import {
  appendJobLog,
  assertJobLockHeld,
  failedReasonForPeople,
  finalizeMediaJob,
  GENERAL_FAILURE_MESSAGE,
  handleJob,
  renditionsOfResult,
  runGuardOf,
  safePublish,
  TranscodeJobResultSchema,
  type MediaEventPublisher,
  type QueueLogger,
} from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';
import { SpanKind, withSpan } from '@fjord/observability';

export type FinalizeProcessorDeps = {
  db: DbClient;
  /** Deletes rendition files no row points at any more (a reprocess's previous run, a failed run's). */
  storage: Pick<BlobStore, 'delete' | 'deletePrefix'>;
  events: Pick<MediaEventPublisher, 'publish'>;
  logger: QueueLogger;
  /** Queues webhook deliveries for the outcome; idempotent per (endpoint, event), so retries are safe. */
  emitWebhook?: (input: { event: 'media.ready' | 'media.failed'; mediaId: string }) => Promise<unknown>;
};

/** One sentence for the uploader, from the reasons of the transcode children that failed for good. */
export function describeFailures(reasons: string[]): string {
  const unique = [...new Set(reasons.map((r) => failedReasonForPeople(r).trim()).filter(Boolean))];
  if (unique.length === 0) return GENERAL_FAILURE_MESSAGE;
  return unique.join('; ');
}

/**
 * The fan-in: reads every child's result (and the failures the flow ignored so this job still runs),
 * then records the outcome in one transaction. Renditions are upserted by (mediaId, name), so a retried
 * finalize converges to the same rows; the same transaction drops rows of variants this run did not
 * produce, so a media always has exactly one set. Files are deleted only after the commit, and only
 * those no row points at (a reprocess writes under new keys: docs/adr/0003-admin-console.md).
 */
export function createFinalizeProcessor(deps: FinalizeProcessorDeps) {
  const { db, logger } = deps;
  const publish = safePublish(deps.events, logger);
  const emitWebhook = deps.emitWebhook ?? (async () => undefined);

  /** Best effort: a file left behind costs disk, not correctness, and goes with the media's deletion. */
  async function deleteUnreferenced(mediaId: string, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const inUse = await db.rendition.findMany({
      where: { mediaId, storageKey: { in: keys } },
      select: { storageKey: true },
    });
    const referenced = new Set(inUse.map((r) => r.storageKey));
    const stale = [...new Set(keys)].filter((k) => k && !referenced.has(k));
    for (const key of stale) {
      // A key ending in '/' is a many-file rendition's folder (the CMAF ladder's segments).
      await (key.endsWith('/') ? deps.storage.deletePrefix(key) : deps.storage.delete(key)).catch(
        (err: unknown) => logger.warn({ err, mediaId, key }, 'could not delete a stale rendition file'),
      );
    }
    return stale.length;
  }

  return handleJob(finalizeMediaJob, async (data, job) => {
    const { mediaId, requestId } = data;
    const guard = runGuardOf(data);
    // Redis and Postgres at once: the children's results and the media row do not depend on each other.
    const [values, ignored, media] = await Promise.all([
      job.getChildrenValues(),
      job.getIgnoredChildrenFailures(),
      db.media.findUnique({
        where: { id: mediaId },
        select: { status: true, variantsTotal: true, run: true },
      }),
    ]);
    const results = Object.values(values).map((v) => TranscodeJobResultSchema.parse(v));
    const failures = Object.values(ignored);
    await appendJobLog(job, `children: ${results.length} rendered, ${failures.length} failed for good`);

    if (!media) return { mediaId, status: 'FAILED', error: 'The media was deleted' };
    // A run a re-drive or reprocess replaced (ADR 0015): its outcome is not the media's. What it rendered
    // is under its own keys, which no row can point at: take them back. Ends the job, no retry.
    const discardStaleRun = async (currentRun: number) => {
      const deletedFiles = await deleteUnreferenced(
        mediaId,
        results.map((r) => r.storageKey),
      );
      await appendJobLog(job, `stale run ${guard.run} (media is on run ${currentRun}): nothing recorded`);
      logger.warn(
        { mediaId, requestId, run: guard.run, currentRun, deletedFiles },
        'finalize of a stale run: no effect',
      );
      return { mediaId, status: 'STALE' as const };
    };
    /** After a guarded write that changed nothing: the run that took over meanwhile, if one did. */
    const replacingRun = async (): Promise<number | undefined> => {
      if (guard.run === undefined) return undefined;
      const row = await db.media.findUnique({ where: { id: mediaId }, select: { run: true } });
      return row && row.run !== guard.run ? row.run : undefined;
    };
    if (guard.run !== undefined && guard.run !== media.run) return discardStaleRun(media.run);
    if (media.status === 'READY') {
      await emitWebhook({ event: 'media.ready', mediaId });
      return { mediaId, status: 'READY' };
    }

    // A worker paused past its lock must not record an outcome another attempt now owns (ADR 0014).
    await assertJobLockHeld(job);

    const isMissingVariants = results.length < media.variantsTotal;
    if (failures.length > 0 || isMissingVariants || results.length === 0) {
      const error = describeFailures(failures);
      if (!(await transitionMedia(db, mediaId, 'fail', { error }, guard))) {
        const replacing = await replacingRun();
        if (replacing !== undefined) return discardStaleRun(replacing);
      }
      // What this run's successful children wrote is never shown: the previous renditions (if any) stay.
      await deleteUnreferenced(
        mediaId,
        results.flatMap(renditionsOfResult).map((r) => r.storageKey),
      );
      await appendJobLog(job, `media marked FAILED: ${error}`);
      logger.warn({ mediaId, requestId, error, failures: failures.length }, 'media failed');
      await publish({ mediaId, type: 'failed' });
      await emitWebhook({ event: 'media.failed', mediaId });
      return { mediaId, status: 'FAILED', error };
    }

    const source = results[0]!;
    // Video: the probe's facts travel with every child's result; skipped rungs were never written.
    const video = results.find((r) => r.video)?.video;
    // Images: PLACEHOLDER_VARIANT's child hashes what it rendered; should several results carry one (jobs queued
    // before that rule), the smallest rendition's is kept (deterministic).
    const placeholder = results
      .filter((r) => r.placeholder)
      .sort(
        (a, b) => a.width * a.height - b.width * b.height || a.variant.localeCompare(b.variant),
      )[0]?.placeholder;
    const rendered = results.flatMap(renditionsOfResult);
    const previous = await db.rendition.findMany({ where: { mediaId }, select: { storageKey: true } });
    // The commit is one span; each statement inside is a `db …` child (createDbClient's query spans).
    const commitSpan = { kind: SpanKind.INTERNAL, attributes: { 'fjord.media.id': mediaId } };
    const isReady = await withSpan('finalize commit', commitSpan, () =>
      db.$transaction(async (tx) => {
        const before = video
          ? await tx.media.findUnique({ where: { id: mediaId }, select: { durationMs: true } })
          : null;
        const uncounted = before?.durationMs === null;
        const ready = await transitionMedia(
          tx,
          mediaId,
          'finish',
          {
            width: source.sourceWidth,
            height: source.sourceHeight,
            // The schema keeps only the source's facts: durationMs, codecs, bitrate, rotation.
            ...video,
            ...(placeholder ? { thumbhash: placeholder.thumbhash, dominantColor: placeholder.color } : {}),
          },
          guard,
        );
        // Deleted, finished, or replaced by another run meanwhile: this run's set is not the media's.
        if (!ready) return false;
        // Today's video minutes (ADR 0021): counted once per media, in the commit that records them.
        if (video && uncounted) await countVideoMinutes(tx, mediaId, video.durationMs);
        await tx.rendition.deleteMany({
          where: { mediaId, name: { notIn: rendered.map((r) => r.variant) } },
        });
        for (const r of rendered) {
          const fields = {
            format: r.format,
            mimeType: r.mimeType,
            width: r.width,
            height: r.height,
            bytes: r.bytes,
            bitrate: r.bitrate ?? null,
            durationMs: r.durationMs ?? null,
            storageKey: r.storageKey,
            // The ladder's tracks and segments commit with the row: a playlist never names a missing file.
            ...(r.stream ? { stream: r.stream } : {}),
          };
          await tx.rendition.upsert({
            where: { mediaId_name: { mediaId, name: r.variant } },
            create: { mediaId, name: r.variant, ...fields },
            update: fields,
            select: { id: true },
          });
        }
        return true;
      }),
    );
    if (!isReady) {
      const replacing = await replacingRun();
      if (replacing !== undefined) return discardStaleRun(replacing);
      return { mediaId, status: 'FAILED', error: 'The media was deleted while it was finalized' };
    }
    const deletedFiles = await deleteUnreferenced(
      mediaId,
      previous.map((r) => r.storageKey),
    );
    await appendJobLog(
      job,
      `media READY with ${rendered.length} renditions${deletedFiles ? `; ${deletedFiles} old files deleted` : ''}`,
    );
    logger.info({ mediaId, requestId, renditions: results.length }, 'media ready');
    await publish({ mediaId, type: 'ready' });
    await emitWebhook({ event: 'media.ready', mediaId });
    return { mediaId, status: 'READY' };
  });
}

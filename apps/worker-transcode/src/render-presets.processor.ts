import type { DbClient } from '@fjord/db';
import { appendJobLog, handleJob, renderPresetsJob, type QueueLogger } from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';
import { renderEagerPresets, type EagerPresetDeps } from './render-eager-presets';

export type RenderPresetsProcessorDeps = {
  db: DbClient;
  storage: BlobStore;
  logger: QueueLogger;
  avifEffort: number;
  /** A job stalled this many times is not rendered in-process (ADR 0025); the image flow isolates it. */
  isolateAfterStalls: number;
  eager: Pick<EagerPresetDeps, 'cache' | 'limits'>;
};

/**
 * A bulk "eager presets only" reprocess, one image (docs/adr/0027): the presets rendered into the /img
 * cache for the media's current run, as the image flow's eager warm-up does, and nothing else — the
 * renditions, the run and the status stay. Unlike the warm-up, a failed render fails the job, so BullMQ
 * retries it; a retry renders only what is not cached yet.
 */
export function createRenderPresetsProcessor(deps: RenderPresetsProcessorDeps) {
  const { db, storage, logger } = deps;
  return handleJob(renderPresetsJob, async (data, job) => {
    const { mediaId, run, presets } = data;
    const media = await db.media.findUnique({
      where: { id: mediaId },
      select: { run: true, status: true, storageKey: true, width: true, height: true },
    });
    const source = { sourceWidth: media?.width ?? 0, sourceHeight: media?.height ?? 0 };
    // Reprocessed (a new run renders its own eager presets), deleted, or failed since it was queued.
    if (!media || media.run !== run || media.status !== 'READY') {
      await appendJobLog(job, `media left run ${run} or is not READY: nothing to render`);
      return { stored: 0, cached: 0, skipped: 'stale' as const, ...source };
    }
    if (job.stalledCounter >= deps.isolateAfterStalls) {
      logger.warn({ mediaId, jobId: job.id }, 'presets render skipped: its job stalled workers before');
      return { stored: 0, cached: 0, skipped: 'suspect' as const, ...source };
    }
    const startedAt = Date.now();
    const input = storage.localPath?.(media.storageKey) ?? (await storage.read(media.storageKey));
    const { stored, failed, cached } = await renderEagerPresets(
      { db, logger, avifEffort: deps.avifEffort, ...deps.eager },
      {
        mediaId,
        run,
        presets,
        input,
        // A bulk run touches old media once: it reads a kept decode but keeps none (docs/adr/0023).
        decoded: deps.eager.cache.decodedSource(mediaId, run, { keep: false }),
      },
    );
    const names = presets.map((p) => p.name).join(',');
    await appendJobLog(
      job,
      `presets ${names}: ${stored} stored, ${cached} cached, ${failed} failed in ${Date.now() - startedAt} ms`,
    );
    if (failed > 0) throw new Error(`${failed} preset render(s) of ${names} failed; see the worker log`);
    return { stored, cached, ...source };
  });
}

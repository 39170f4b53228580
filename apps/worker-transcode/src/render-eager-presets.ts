import type { DbClient } from '@fjord/db';
import type { ImageCache } from '@fjord/ingest';
import {
  formatsOf,
  IMAGE_FILE_EXT,
  imageTransformCacheKey,
  resolveImageOptions,
  specFor,
  transformImage,
  type DecodedSource,
  type ImageInput,
  type ImageLimits,
  type ResolvedImageOptions,
} from '@fjord/media';
import type { QueueLogger } from '@fjord/queue';

export type EagerPresetDeps = {
  db: DbClient;
  cache: Pick<ImageCache, 'find' | 'store' | 'decodedSource'>;
  logger: QueueLogger;
  /** The /img size and pixel limits: an eager render is refused exactly where a URL would be. */
  limits: ImageLimits;
  avifEffort: number;
};

/**
 * Renders each preset in every format `f:auto` can answer, into the /img cache under the key and storage
 * name a miss would use (docs/adr/0027). A warm-up: a failure is logged and the next render goes on; only
 * the media's current run is rendered (a stale run's keys would never be looked up).
 */
export async function renderEagerPresets(
  deps: EagerPresetDeps,
  job: {
    mediaId: string;
    run: number;
    presets: { name: string; options: string }[];
    input: ImageInput;
    /** The original's kept decode, when it is an HEIC or a JPEG XL (ADR 0023): one decode for every preset. */
    decoded?: DecodedSource;
  },
): Promise<{ stored: number; failed: number; cached: number }> {
  const { mediaId, run } = job;
  const media = await deps.db.media.findUnique({ where: { id: mediaId }, select: { run: true } });
  if (media?.run !== run) return { stored: 0, failed: 0, cached: 0 };
  let stored = 0;
  let cached = 0;
  let failed = 0;
  const warn = (err: unknown, preset: string, format?: string) => {
    failed += 1;
    deps.logger.warn({ err, mediaId, preset, format }, 'eager preset render failed');
  };
  for (const { name: preset, options } of job.presets) {
    let resolved: ResolvedImageOptions;
    try {
      // As image-url mints it, with the options the queueing process resolved the name to.
      resolved = resolveImageOptions(`preset:${preset}`, { ...deps.limits, presets: { [preset]: options } });
    } catch (err) {
      warn(err, preset);
      continue;
    }
    for (const format of formatsOf(resolved)) {
      try {
        const key = imageTransformCacheKey({ resolved, format, mediaId, run });
        if (await deps.cache.find(key)) {
          cached += 1;
          continue;
        }
        const rendered = await transformImage({
          input: job.input,
          spec: specFor(resolved, format),
          avifEffort: deps.avifEffort,
          maxOutputPixels: deps.limits.maxPixels,
          decoded: job.decoded,
        });
        const entry = await deps.cache.store({
          key,
          mediaId,
          ext: IMAGE_FILE_EXT[format],
          mimeType: rendered.mimeType,
          data: rendered.data,
        });
        if (entry) stored += 1;
      } catch (err) {
        warn(err, preset, format);
      }
    }
  }
  return { stored, failed, cached };
}

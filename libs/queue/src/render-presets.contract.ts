import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MediaRunSchema } from './contracts';

/** A preset as the queueing process resolves it: the worker renders what /img will look up. */
export const EagerPresetSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  options: z.string().max(300),
});

/**
 * A bulk "eager presets only" reprocess (docs/adr/0027): render these presets of one READY image into the
 * /img cache for its current run, and nothing else — no flow, no renditions, no new run.
 */
export const RenderPresetsJobDataSchema = z.object({
  v: z.literal(1),
  mediaId: z.uuid(),
  /** The run the cache keys are derived from; a media that left it renders nothing. */
  run: MediaRunSchema,
  presets: z.array(EagerPresetSchema).min(1).max(32),
});
export type RenderPresetsJobData = z.infer<typeof RenderPresetsJobDataSchema>;

export const RenderPresetsJobResultSchema = z.object({
  stored: z.number().int().nonnegative(),
  /** Already cached (a retry, or a run started again): not rendered twice. */
  cached: z.number().int().nonnegative(),
  /** Why nothing was rendered: the media left the run or is not READY, or the job stalled workers before. */
  skipped: z.enum(['stale', 'suspect']).optional(),
  /** The source's pixels, for the preview's measured cost per megapixel. */
  sourceWidth: z.number().int().nonnegative(),
  sourceHeight: z.number().int().nonnegative(),
});
export type RenderPresetsJobResult = z.infer<typeof RenderPresetsJobResultSchema>;

/**
 * Deterministic per media, run and preset options: starting the same bulk run again while its jobs are
 * retained adds none twice; a changed preset (new options) is a new job.
 */
export function renderPresetsJobId(data: Pick<RenderPresetsJobData, 'mediaId' | 'run' | 'presets'>): string {
  const options = data.presets.map((p) => `${p.name}=${p.options}`).join('\n');
  const digest = createHash('sha256').update(options).digest('hex').slice(0, 16);
  return `presets.${data.mediaId}.${data.run}.${digest}`;
}

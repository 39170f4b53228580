import { mediaJobId } from './contracts';
import type { Queues } from './queues';

export type VariantProgress = {
  name: string;
  /** 0–100, from the transcode job's BullMQ progress (ffmpeg's -progress for video). */
  percent: number;
  state: 'waiting' | 'active' | 'done' | 'failed';
};
export type MediaProgress = { done: number; failed: number; total: number; variants?: VariantProgress[] };

async function readVariant(queues: Pick<Queues, 'transcode'>, mediaId: string, name: string) {
  const job = await queues.transcode.getJob(mediaJobId(mediaId, 'transcode', name));
  if (!job) return { name, percent: 0, state: 'waiting' as const };
  const state = await job.getState();
  const raw = typeof job.progress === 'number' ? job.progress : 0;
  if (state === 'completed') return { name, percent: 100, state: 'done' as const };
  if (state === 'failed') return { name, percent: Math.round(raw), state: 'failed' as const };
  return {
    name,
    percent: Math.round(raw),
    state: state === 'active' ? ('active' as const) : ('waiting' as const),
  };
}

/**
 * k of n transcode children, read from the finalize job's dependency counts; null when no flow exists.
 * With `variants`, also each child's own percentage (one small Redis read per variant).
 */
export async function getMediaProgress(deps: {
  queues: Pick<Queues, 'db' | 'transcode'>;
  mediaId: string;
  variants?: string[];
}): Promise<MediaProgress | null> {
  const job = await deps.queues.db.getJob(mediaJobId(deps.mediaId, 'finalize'));
  if (!job) return null;
  const counts = await job.getDependenciesCount();
  const done = counts.processed ?? 0;
  const failed = (counts.ignored ?? 0) + (counts.failed ?? 0);
  const total = done + failed + (counts.unprocessed ?? 0);
  if (!deps.variants?.length) return { done, failed, total };
  const variants = await Promise.all(
    deps.variants.map((name) => readVariant(deps.queues, deps.mediaId, name)),
  );
  return { done, failed, total, variants };
}

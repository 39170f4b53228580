import type { DbClient, MediaStatus } from '@fjord/db';
import { getMediaProgress, variantNamesFor, type VariantProgress } from '@fjord/queue';
import type { ApiServices } from '../services';
import { renditionDtoSelect, toRenditionDto, type RenditionDto } from './media.dto';

export type MediaStatusSnapshot = {
  status: MediaStatus;
  progress: { done: number; total: number };
  /** Video: each output's own percentage while it processes (ffmpeg progress). */
  variants?: VariantProgress[];
  error?: string;
  renditions?: RenditionDto[];
};

export function isFinalStatus(status: MediaStatus): boolean {
  return status === 'READY' || status === 'FAILED';
}

/** Postgres says where the media is; the flow in Redis says how far its transcodes got. */
export async function getMediaStatusSnapshot(deps: {
  db: DbClient;
  queues: ApiServices['queues'];
  mediaId: string;
}): Promise<MediaStatusSnapshot | null> {
  const row = await deps.db.media.findUnique({
    where: { id: deps.mediaId },
    select: {
      status: true,
      kind: true,
      error: true,
      variantsTotal: true,
      renditions: renditionDtoSelect,
    },
  });
  if (!row) return null;
  const renditions = row.renditions.map((r) => toRenditionDto(deps.mediaId, r));
  if (row.status === 'READY') {
    const total = Math.max(row.variantsTotal, renditions.length);
    return { status: row.status, progress: { done: renditions.length, total }, renditions };
  }
  if (row.status === 'FAILED') {
    return {
      status: row.status,
      progress: { done: renditions.length, total: Math.max(row.variantsTotal, renditions.length) },
      error: row.error ?? 'Processing failed.',
    };
  }
  // Progress is a nicety: if Redis is briefly away the status still streams.
  const variants = row.kind === 'VIDEO' ? variantNamesFor('VIDEO') : undefined;
  const flow = await getMediaProgress({ queues: deps.queues, mediaId: deps.mediaId, variants }).catch(
    () => null,
  );
  const total = flow?.total || row.variantsTotal;
  const done = flow ? flow.done + flow.failed : 0;
  return {
    status: row.status,
    progress: { done: Math.min(done, total), total },
    ...(flow?.variants ? { variants: flow.variants } : {}),
  };
}

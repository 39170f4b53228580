import { UNFINISHED_MEDIA_STATUSES, type DbClient } from '@fjord/db';
import { fairPriority, variantNamesFor, type MediaFlowEnqueuer } from '@fjord/queue';

/**
 * The BullMQ priority of a media's flow (docs/adr/0021): how many of its owner's media are in flight
 * (UPLOADED, QUEUED or PROCESSING, this one included). A user's first upload runs at 1, the 500th of a
 * burst at 500, so another user's single upload (1) is taken before the rest of the burst.
 * Every enqueue path uses it: the upload, a reprocess and the reconciler's re-drive.
 */
export async function ownerFlowPriority(db: DbClient, mediaId: string): Promise<number> {
  const media = await db.media.findUnique({ where: { id: mediaId }, select: { ownerId: true } });
  if (!media) return fairPriority(1);
  return fairPriority(await ownerMediaInFlight(db, media.ownerId));
}

/**
 * The owner's media in flight (UPLOADED, QUEUED or PROCESSING). Ingest counts before its new row exists,
 * at the same time as it writes it, and adds one: the same rank without two more round trips on the path
 * to the 202 (two uploads of one owner racing may share a rank, as they could before).
 */
export function ownerMediaInFlight(db: DbClient, ownerId: string): Promise<number> {
  return db.media.count({ where: { ownerId, status: { in: [...UNFINISHED_MEDIA_STATUSES] } } });
}

/**
 * Adds the flow of a media's new processing run (a reprocess, the reconciler's re-drive): every variant of
 * its kind, at its owner's place in the fair order, in the upload's trace (ADR 0022).
 */
export async function enqueueMediaRun(
  deps: { db: DbClient; enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'> },
  media: { id: string; kind: 'IMAGE' | 'VIDEO'; traceparent: string | null; tracestate: string | null },
  run: number,
  requestId?: string,
) {
  return deps.enqueuer.enqueueMediaFlow({
    mediaId: media.id,
    kind: media.kind,
    variants: variantNamesFor(media.kind),
    run,
    requestId,
    priority: await ownerFlowPriority(deps.db, media.id),
    trace: { traceparent: media.traceparent, tracestate: media.tracestate },
  });
}

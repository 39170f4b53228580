import { enqueueMediaRun } from './fair-priority';
import { UNFINISHED_MEDIA_STATUSES, transitionMedia, type DbClient } from '@fjord/db';
import {
  getMediaFlowState,
  removeMediaFlowJobs,
  variantNamesFor,
  type MediaFlowEnqueuer,
  type QueueLogger,
  type Queues,
} from '@fjord/queue';

export type SweepStuckMediaDeps = {
  db: DbClient;
  queues: Pick<Queues, 'email' | 'db' | 'transcode'>;
  enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
  staleAfterMs: number;
  logger: QueueLogger;
};

/** At most this many media are re-driven per run. */
const BATCH_SIZE = 100;
/** Rows looked at per run, live ones included: a backlog of long videos cannot hide a stuck media. */
const MAX_SCANNED_PAGES = 10;

/**
 * The reconciler's media half: Postgres is the truth, Redis only where work waits. A media in an
 * unfinished state whose row has not moved for `staleAfterMs` and that has no live flow (lost with
 * Redis, never added, or finished without an outcome) is re-driven as a fresh processing run, so files
 * an old run may still be writing are never overwritten. A dead flow's retained jobs are removed first.
 * Several replicas may run it at once: the row is claimed with a guarded update on `updatedAt`.
 */
export async function sweepStuckMedia(deps: SweepStuckMediaDeps): Promise<{ requeued: string[] }> {
  const { db, logger } = deps;
  const batchSize = BATCH_SIZE;
  const cutoff = new Date(Date.now() - deps.staleAfterMs);
  const requeued: string[] = [];
  let cursor: { updatedAt: Date; id: string } | undefined;
  for (let page = 0; page < MAX_SCANNED_PAGES && requeued.length < batchSize; page++) {
    const rows = await db.media.findMany({
      where: {
        status: { in: [...UNFINISHED_MEDIA_STATUSES] },
        updatedAt: { lt: cutoff },
        ...(cursor
          ? {
              OR: [
                { updatedAt: { gt: cursor.updatedAt } },
                { updatedAt: cursor.updatedAt, id: { gt: cursor.id } },
              ],
            }
          : {}),
      },
      select: {
        id: true,
        kind: true,
        updatedAt: true,
        run: true,
        traceparent: true,
        tracestate: true,
      },
      orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
      take: batchSize,
    });
    for (const media of rows) {
      if (requeued.length >= batchSize) break;
      try {
        if (await redriveMedia(deps, media)) requeued.push(media.id);
      } catch (err) {
        logger.error({ err, mediaId: media.id }, 'reconciler could not re-drive media');
      }
    }
    if (rows.length < batchSize) break;
    cursor = rows[rows.length - 1];
  }
  if (requeued.length > 0) {
    logger.warn({ requeued }, 're-drove unfinished media that had no live flow in Redis');
  }
  return { requeued };
}

async function redriveMedia(
  deps: SweepStuckMediaDeps,
  media: {
    id: string;
    kind: 'IMAGE' | 'VIDEO';
    updatedAt: Date;
    run: number;
    traceparent: string | null;
    tracestate: string | null;
  },
): Promise<boolean> {
  if ((await getMediaFlowState(deps.queues, media.id)) === 'live') return false;
  // The claim: only the replica whose update still sees the row as it was read goes on, and it starts a
  // new run, so whatever the dead flow still delivers (a late job, a late web request's flow) is stale.
  const run = media.run + 1;
  const variantsTotal = variantNamesFor(media.kind).length;
  const guard = { run: media.run, updatedAt: media.updatedAt };
  if (!(await transitionMedia(deps.db, media.id, 'redrive', { run, variantsTotal }, guard))) return false;
  const { activeJobId } = await removeMediaFlowJobs(deps.queues, media.id);
  if (activeJobId) {
    deps.logger.warn({ mediaId: media.id, jobId: activeJobId }, 'a dead flow still has an active job');
    return false; // claimed: the next run after staleAfterMs tries again
  }
  // A re-drive keeps the owner's place in the fair order (docs/adr/0021) and continues the upload's trace,
  // linked to the sweep's span (ADR 0022).
  const { enqueued } = await enqueueMediaRun(deps, media, run, `reconciler-${media.id}`);
  return enqueued;
}

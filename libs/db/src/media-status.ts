import type { Prisma } from './generated/prisma/client';
import type { MediaStatus } from './generated/prisma/enums';

/** Every status but READY and FAILED: the media still owes its uploader an outcome. */
export const UNFINISHED_MEDIA_STATUSES = [
  'UPLOADED',
  'QUEUED',
  'PROCESSING',
] as const satisfies readonly MediaStatus[];
const NON_TERMINAL = UNFINISHED_MEDIA_STATUSES;

/**
 * Every way Media.status may move, and from where (docs/adr/0013-media-states-and-failure-kinds.md). UPLOADED: blob
 * stored and row written, flow not yet in Redis; QUEUED: its flow is in Redis; READY and FAILED are
 * terminal, left only by a reprocess. A transition whose `from` does not hold changes nothing, so a late
 * or retried job never moves a media backwards.
 */
export const MEDIA_TRANSITIONS = {
  /** ingest, once the flow was added */
  queue: { from: ['UPLOADED'], to: 'QUEUED' },
  /** the first transcode child that starts */
  start: { from: ['UPLOADED', 'QUEUED'], to: 'PROCESSING' },
  /** finalize, with the renditions in the same transaction */
  finish: { from: NON_TERMINAL, to: 'READY' },
  /** finalize (a child's human reason) or notify (finalize never recorded an outcome) */
  fail: { from: NON_TERMINAL, to: 'FAILED' },
  /** admin console, REST, CLI: a finished media runs its flow again */
  reprocess: { from: ['READY', 'FAILED'], to: 'QUEUED' },
  /** the reconciler: an unfinished media whose flow was lost runs it again (a new run, like a reprocess) */
  redrive: { from: NON_TERMINAL, to: 'QUEUED' },
} as const satisfies Record<string, { from: readonly MediaStatus[]; to: MediaStatus }>;
export type MediaTransition = keyof typeof MEDIA_TRANSITIONS;

export function canTransitionMedia(transition: MediaTransition, from: MediaStatus): boolean {
  return (MEDIA_TRANSITIONS[transition].from as readonly MediaStatus[]).includes(from);
}

/** Timestamps every transition writes, so no caller forgets one. */
function stampsFor(transition: MediaTransition, now: Date): Prisma.MediaUpdateManyMutationInput {
  switch (transition) {
    case 'queue':
      return {};
    case 'start':
      return { startedAt: now };
    case 'finish':
      return { error: null, finishedAt: now };
    case 'fail':
      return { finishedAt: now };
    case 'reprocess':
    case 'redrive':
      return { error: null, queuedAt: now, startedAt: null, finishedAt: null };
  }
}

type MediaWriter = { media: Pick<Prisma.TransactionClient['media'], 'updateMany'> };

/**
 * The one guarded write of Media.status: `updateMany where status in <from>` (and, given `run`, only while
 * that is still the media's processing run: a stale run's job changes nothing, docs/adr/0015; given
 * `updatedAt`, only while the row is as it was read — the reconciler's claim among replicas). true when
 * it applied; false when the media is gone, already elsewhere, on another run or written since. Works on
 * the client or inside an interactive transaction.
 */
export async function transitionMedia(
  db: MediaWriter,
  mediaId: string,
  transition: MediaTransition,
  data: Omit<Prisma.MediaUpdateManyMutationInput, 'status'> = {},
  guard: { run?: number; updatedAt?: Date } = {},
): Promise<boolean> {
  const { from, to } = MEDIA_TRANSITIONS[transition];
  const { count } = await db.media.updateMany({
    where: {
      id: mediaId,
      status: { in: [...from] },
      ...(guard.run === undefined ? {} : { run: guard.run }),
      ...(guard.updatedAt === undefined ? {} : { updatedAt: guard.updatedAt }),
    },
    data: { ...stampsFor(transition, new Date()), ...data, status: to },
  });
  return count > 0;
}

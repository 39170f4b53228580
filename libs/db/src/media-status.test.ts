import { describe, expect, it } from 'vitest';
import { MediaStatus } from './generated/prisma/enums';
import { MEDIA_TRANSITIONS, canTransitionMedia, transitionMedia, type MediaTransition } from './media-status';

const ALL = Object.values(MediaStatus);
const TERMINAL = ['READY', 'FAILED'];

describe('media state machine', () => {
  it('allows exactly these moves', () => {
    const table = Object.fromEntries(
      (Object.keys(MEDIA_TRANSITIONS) as MediaTransition[]).map((t) => [
        t,
        `${ALL.filter((s) => canTransitionMedia(t, s)).join('|')} → ${MEDIA_TRANSITIONS[t].to}`,
      ]),
    );
    expect(table).toEqual({
      queue: 'UPLOADED → QUEUED',
      start: 'UPLOADED|QUEUED → PROCESSING',
      finish: 'UPLOADED|QUEUED|PROCESSING → READY',
      fail: 'UPLOADED|QUEUED|PROCESSING → FAILED',
      reprocess: 'READY|FAILED → QUEUED',
      redrive: 'UPLOADED|QUEUED|PROCESSING → QUEUED',
    });
  });

  it('leaves a terminal state only through reprocess, and never moves back to UPLOADED', () => {
    for (const t of Object.keys(MEDIA_TRANSITIONS) as MediaTransition[]) {
      expect(MEDIA_TRANSITIONS[t].to).not.toBe('UPLOADED');
      for (const s of TERMINAL) expect(canTransitionMedia(t, s as MediaStatus)).toBe(t === 'reprocess');
    }
  });

  it('writes one guarded updateMany with the timestamps of the move, and says whether it applied', async () => {
    const calls: unknown[] = [];
    const db = (count: number) => ({
      media: {
        updateMany: async (args: unknown) => {
          calls.push(args);
          return { count };
        },
      },
    });
    expect(await transitionMedia(db(1) as never, 'm1', 'fail', { error: 'The image file is corrupt' })).toBe(
      true,
    );
    expect(calls[0]).toMatchObject({
      where: { id: 'm1', status: { in: ['UPLOADED', 'QUEUED', 'PROCESSING'] } },
      data: { status: 'FAILED', error: 'The image file is corrupt', finishedAt: expect.any(Date) },
    });
    expect(await transitionMedia(db(0) as never, 'm1', 'reprocess')).toBe(false);
    expect(calls[1]).toMatchObject({
      where: { status: { in: ['READY', 'FAILED'] } },
      data: { status: 'QUEUED', error: null, startedAt: null, finishedAt: null, queuedAt: expect.any(Date) },
    });
    // The reconciler's claim: only while the row is on that run and unwritten since it was read.
    const readAt = new Date('2026-12-04T12:00:00Z');
    await transitionMedia(db(1) as never, 'm1', 'redrive', { run: 4 }, { run: 3, updatedAt: readAt });
    expect(calls[2]).toMatchObject({
      where: { id: 'm1', status: { in: ['UPLOADED', 'QUEUED', 'PROCESSING'] }, run: 3, updatedAt: readAt },
      data: { status: 'QUEUED', run: 4, error: null, startedAt: null, finishedAt: null },
    });
  });
});

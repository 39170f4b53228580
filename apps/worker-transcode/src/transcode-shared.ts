import type { DbClient } from '@fjord/db';

export function isPermanent(err: unknown): err is Error & { isPermanent: true } {
  return err instanceof Error && (err as { isPermanent?: unknown }).isPermanent === true;
}

/** Conditional, so a late or retried child never moves a READY/FAILED media backwards. true when it moved. */
export async function markProcessing(db: DbClient, mediaId: string): Promise<boolean> {
  const started = await db.media.updateMany({
    where: { id: mediaId, status: { in: ['UPLOADED', 'QUEUED'] } },
    data: { status: 'PROCESSING', startedAt: new Date() },
  });
  return started.count > 0;
}

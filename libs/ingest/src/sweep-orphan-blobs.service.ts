import type { DbClient } from '@fjord/db';
import type { QueueLogger } from '@fjord/queue';
import type { BlobEntry, BlobStore } from '@fjord/storage';

/** A rendition whose key ends in '/' is a folder (the CMAF ladder): every file under it is in use. */
function isReferenced(referenced: Set<string>, key: string): boolean {
  if (referenced.has(key)) return true;
  for (const k of referenced) if (k.endsWith('/') && key.startsWith(k)) return true;
  return false;
}

export type SweepOrphanBlobsDeps = {
  db: DbClient;
  storage: Pick<BlobStore, 'list' | 'delete' | 'deletePrefix' | 'removePartial'>;
  /** Only files untouched this long are judged: a write, an upload or a run in flight is never one. */
  graceMs: number;
  logger: QueueLogger;
  /** Listing entries looked at per pass; the next pass goes on after the last media it judged. */
  maxEntries?: number;
};

export type SweepOrphanBlobsResult = { removed: string[]; scannedMedia: number; isComplete: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TERMINAL = new Set(['READY', 'FAILED']);

/**
 * The reconciler's storage half: files under `media/` nothing will ever point at. A crash leaves them —
 * an upload killed before its row (the blob or its temp file, never acknowledged), a worker killed between
 * its write and its job's completion, an attempt that lost its lock (ADR 0014). A file is removed only when
 * it is older than `graceMs` AND, read after the listing: its media row is gone (the whole folder, if
 * every file in it is that old), or the media is finished and has not moved for `graceMs` and neither
 * its original nor a current rendition or caption is that file. Temp files of writes older than `graceMs` go always.
 */
export async function sweepOrphanBlobs(
  deps: SweepOrphanBlobsDeps,
  cursor: { after?: string } = {},
): Promise<SweepOrphanBlobsResult> {
  const cutoff = Date.now() - deps.graceMs;
  const maxEntries = deps.maxEntries ?? 20_000;
  const removed: string[] = [];
  let group: { mediaId: string; entries: BlobEntry[] } | undefined;
  let seen = 0;
  let scannedMedia = 0;
  let isComplete = true;
  for await (const entry of deps.storage.list('media/')) {
    const mediaId = entry.key.split('/')[1] ?? '';
    if (cursor.after !== undefined && mediaId <= cursor.after) continue;
    if (group && group.mediaId !== mediaId) {
      removed.push(...(await judgeMedia(deps, group.mediaId, group.entries, cutoff)));
      scannedMedia++;
      cursor.after = group.mediaId;
      group = undefined;
      if (seen >= maxEntries) {
        isComplete = false;
        break;
      }
    }
    group ??= { mediaId, entries: [] };
    group.entries.push(entry);
    seen++;
  }
  if (group) {
    removed.push(...(await judgeMedia(deps, group.mediaId, group.entries, cutoff)));
    scannedMedia++;
  }
  if (isComplete) delete cursor.after; // the next pass starts over
  if (removed.length > 0) deps.logger.warn({ removed }, 'removed orphan blobs nothing refers to');
  return { removed, scannedMedia, isComplete };
}

async function judgeMedia(
  deps: SweepOrphanBlobsDeps,
  mediaId: string,
  entries: BlobEntry[],
  cutoff: number,
): Promise<string[]> {
  const old = entries.filter((e) => e.mtimeMs < cutoff);
  if (old.length === 0) return [];
  const media = UUID.test(mediaId)
    ? await deps.db.media.findUnique({
        where: { id: mediaId },
        select: {
          status: true,
          updatedAt: true,
          storageKey: true,
          renditions: { select: { storageKey: true } },
          captions: { select: { storageKey: true } },
        },
      })
    : null;
  const removed: string[] = [];
  try {
    if (!media) {
      // No row: an upload that died before its INSERT (or a deletion that died before its files).
      if (old.length === entries.length) {
        await deps.storage.deletePrefix(`media/${mediaId}/`);
        removed.push(...entries.map((e) => e.key));
      }
      return removed;
    }
    const isSettled = TERMINAL.has(media.status) && media.updatedAt.getTime() < cutoff;
    const referenced = new Set([
      media.storageKey,
      ...media.renditions.map((r) => r.storageKey),
      ...media.captions.map((c) => c.storageKey),
    ]);
    for (const e of old) {
      if (e.isPartial) {
        await deps.storage.removePartial?.(e.key);
        removed.push(e.key);
      } else if (isSettled && !isReferenced(referenced, e.key)) {
        await deps.storage.delete(e.key);
        removed.push(e.key);
      }
    }
  } catch (err) {
    deps.logger.error({ err, mediaId }, 'orphan sweep could not remove a file; the next pass retries');
  }
  return removed;
}

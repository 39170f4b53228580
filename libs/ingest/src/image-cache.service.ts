import type { DbClient } from '@fjord/db';
import type { Logger } from '@fjord/observability';
import { imageRenderLockKey, onceAcrossProcesses, type LeaseRedis, type Produced } from '@fjord/queue';
import { imageCacheKey, type BlobStore } from '@fjord/storage';

export type CachedImage = { storageKey: string; mimeType: string; bytes: number };

export type ImageCacheDeps = {
  db: DbClient;
  storage: Pick<BlobStore, 'put' | 'stat' | 'delete' | 'read'>;
  /** Total bytes kept; past it the least recently used entries are removed after a write. */
  maxBytes: number;
  logger: Pick<Logger, 'warn' | 'error'>;
  /** Redis, so replicas that want one media's decode at once share one (without: one per process). */
  leases?: { redis: LeaseRedis; prefix: string };
};

/** A replica waiting for another's decode looks for the kept entry this often, and decodes itself after. */
const DECODE_POLL_MS = 250;
const DECODE_WAIT_MS = 120_000;

/** A hit refreshes lastAccessAt at most this often: an LRU needs minutes, not a write per request. */
const TOUCH_EVERY_MS = 60_000;
const EVICT_BATCH = 200;
/**
 * The cap is checked against a running total: the sum over all rows (every replica's) is re-read after a
 * write at most this often, or at once when this process's writes since take the total past the cap — not
 * a SUM over the whole table per miss.
 */
const RECOUNT_EVERY_MS = 5_000;

/**
 * Entries this process has found or stored, by key, so a repeat hit needs no row lookup: the stat every hit
 * does anyway proves the blob is still there with the recorded size (an eviction by any replica removes it),
 * and the media row the handler reads first proves the media may still be shown. Bounded, least recently
 * used first out.
 */
const KNOWN_MAX = 10_000;

const isForeignKeyViolation = (err: unknown) => (err as { code?: string } | null)?.code === 'P2003';

/**
 * Rendered transforms in storage, one ImageCacheEntry row each (key, bytes, lastAccessAt): the rows are
 * the LRU, the blobs the bytes. Rows go with their media (ON DELETE CASCADE), blobs with the media's
 * deletion (img-cache/<id>/); over the cap, the oldest-accessed go first.
 */
export function createImageCache(deps: ImageCacheDeps) {
  const { db, storage, logger } = deps;
  let eviction: Promise<void> | undefined;
  /** The cache's bytes as last counted, plus what this process stored since; and when it was counted. */
  let total = 0;
  let countedAt = Number.NEGATIVE_INFINITY;
  /** Every byte this process has stored: what a count running meanwhile may not have seen. */
  let stored = 0;
  /** Found or stored here, and when this process last refreshed the row's lastAccessAt. */
  const known = new Map<string, { image: CachedImage; touchedAt: number }>();

  function remember(key: string, image: CachedImage, touchedAt: number) {
    known.delete(key);
    known.set(key, { image, touchedAt });
    if (known.size > KNOWN_MAX) known.delete(known.keys().next().value!);
  }

  /** Refreshes the LRU position at most every TOUCH_EVERY_MS; a row gone meanwhile is forgotten here too. */
  function touch(key: string, image: CachedImage) {
    remember(key, image, Date.now());
    void db.imageCacheEntry
      .updateMany({ where: { key }, data: { lastAccessAt: new Date() } })
      .then(({ count }) => count === 0 && known.delete(key))
      .catch((err: unknown) => logger.warn({ err }, 'could not refresh an image cache entry'));
  }

  async function find(key: string): Promise<CachedImage | null> {
    const seen = known.get(key);
    if (seen) {
      if ((await storage.stat(seen.image.storageKey))?.size === seen.image.bytes) {
        if (Date.now() - seen.touchedAt > TOUCH_EVERY_MS) touch(key, seen.image);
        else remember(key, seen.image, seen.touchedAt);
        return seen.image;
      }
      known.delete(key); // evicted (or replaced) since: what the row says now decides
    }
    const entry = await db.imageCacheEntry.findUnique({
      where: { key },
      select: { storageKey: true, mimeType: true, bytes: true, lastAccessAt: true },
    });
    if (!entry) return null;
    // Missing, or not the bytes the row recorded (cut short, or replaced by hand): a miss, never a
    // truncated image; the blob goes with its row.
    if ((await storage.stat(entry.storageKey))?.size !== entry.bytes) {
      await db.imageCacheEntry.deleteMany({ where: { key } });
      await storage.delete(entry.storageKey);
      return null;
    }
    const image = { storageKey: entry.storageKey, mimeType: entry.mimeType, bytes: entry.bytes };
    if (Date.now() - entry.lastAccessAt.getTime() > TOUCH_EVERY_MS) touch(key, image);
    else remember(key, image, entry.lastAccessAt.getTime());
    return image;
  }

  /** null: the media was deleted meanwhile (the row could not reference it); nothing is left behind. */
  async function store(opts: {
    key: string;
    mediaId: string;
    ext: string;
    mimeType: string;
    data: Buffer;
  }): Promise<CachedImage | null> {
    const storageKey = imageCacheKey(opts.mediaId, opts.key, opts.ext);
    await storage.put(storageKey, opts.data);
    const entry = { storageKey, mimeType: opts.mimeType, bytes: opts.data.length };
    try {
      // Another process may have rendered the same key: the same bytes under the same name, one row.
      await db.imageCacheEntry.upsert({
        where: { key: opts.key },
        create: { key: opts.key, mediaId: opts.mediaId, ...entry },
        update: { lastAccessAt: new Date() },
      });
    } catch (err) {
      if (!isForeignKeyViolation(err)) throw err;
      await storage.delete(storageKey);
      return null;
    }
    remember(opts.key, entry, Date.now());
    total += entry.bytes;
    stored += entry.bytes;
    if (total <= deps.maxBytes && Date.now() - countedAt < RECOUNT_EVERY_MS) return entry;
    eviction ??= evict()
      .catch((err: unknown) => logger.error({ err }, 'image cache eviction failed; the next write retries'))
      .finally(() => (eviction = undefined));
    return entry;
  }

  /** Removes least recently used entries until the total fits the cap. */
  async function evict(): Promise<void> {
    for (;;) {
      countedAt = Date.now();
      const storedBefore = stored;
      const sum = (await db.imageCacheEntry.aggregate({ _sum: { bytes: true } }))._sum.bytes ?? 0;
      total = sum + (stored - storedBefore); // a store that finished during the count is not lost

      if (total <= deps.maxBytes) return;
      const oldest = await db.imageCacheEntry.findMany({
        orderBy: { lastAccessAt: 'asc' },
        take: EVICT_BATCH,
        select: { key: true, storageKey: true, bytes: true },
      });
      let excess = total - deps.maxBytes;
      const victims = oldest.filter((e) => {
        if (excess <= 0) return false;
        excess -= e.bytes;
        return true;
      });
      if (victims.length === 0) return;
      for (const v of victims) known.delete(v.key);
      await db.imageCacheEntry.deleteMany({ where: { key: { in: victims.map((v) => v.key) } } });
      total -= victims.reduce((sum, v) => sum + v.bytes, 0);
      for (const v of victims) await storage.delete(v.storageKey);
    }
  }

  /** Decodes running in this process, by key: the variant jobs of one upload start together. */
  const decoding = new Map<string, Promise<Buffer>>();

  /**
   * One media's kept decode (ADR 0023): the upright, metadata-free PNG heif-convert or djxl made of an HEVC
   * HEIC or a JPEG XL, as an entry of this cache (`decoded-<id>-r<run>`, under img-cache/<id>/; per run, so a
   * reprocess after a decoder upgrade decodes again). Variant jobs, eager presets and /img misses read it
   * instead of decoding again (5–11× cheaper for a 12 MP photo, docs/performance.md "Kept decode"), and callers
   * that want it at once share one decode: in one process by a single flight, across replicas (with `leases`)
   * by a Redis lease, the others reading the kept entry once it is stored. It counts in the cap and is evicted like a render:
   * ~2 bytes per pixel, more than the upload it came from, so it is never kept outside the cap, nor when it
   * alone would take more than an eighth of it. `keep: false` (a bulk job touching old media once) reads a
   * kept one but keeps none. A failed read or write costs a decode.
   */
  function decodedSource(
    mediaId: string,
    run: number | string | undefined,
    { keep = true }: { keep?: boolean } = {},
  ) {
    const key = `decoded-${mediaId}-r${run ?? 0}`;
    const kept = async (): Promise<Buffer | null> => {
      try {
        const entry = await find(key);
        return entry ? await storage.read(entry.storageKey) : null;
      } catch (err) {
        logger.warn({ err, mediaId }, 'could not read the kept decode; decoding again');
        return null;
      }
    };
    const decodeAndKeep = async (decode: () => Promise<Buffer>): Promise<Produced<Buffer>> => {
      const png = await decode();
      if (!keep || png.length > deps.maxBytes / 8) return { value: png, stored: Promise.resolve(false) };
      const stored = store({ key, mediaId, ext: 'png', mimeType: 'image/png', data: png }).then(
        Boolean,
        (err: unknown) => {
          logger.warn({ err, mediaId }, 'could not keep the decoded image; the next render decodes again');
          return false;
        },
      );
      return { value: png, stored };
    };
    const keepOrDecode = async (decode: () => Promise<Buffer>): Promise<Buffer> => {
      const found = await kept();
      if (found) return found;
      // A decode that is not kept (bulk jobs) would only make other replicas wait for nothing.
      const leases = keep ? deps.leases : undefined;
      const made = leases
        ? await onceAcrossProcesses({
            redis: leases.redis,
            lockKey: imageRenderLockKey(leases.prefix, key),
            lookup: kept,
            produce: () => decodeAndKeep(decode),
            waitedTooLong: () => decodeAndKeep(decode),
            onLeaseUnavailable: (err) =>
              logger.warn({ err, mediaId }, 'decode lease unavailable; decoding without it'),
            pollMs: DECODE_POLL_MS,
            waitMs: DECODE_WAIT_MS,
          })
        : await decodeAndKeep(decode);
      await made.stored;
      return made.value;
    };
    return {
      decodeOnce(decode: () => Promise<Buffer>): Promise<Buffer> {
        const running = decoding.get(key);
        if (running) return running;
        const started = keepOrDecode(decode).finally(() => decoding.delete(key));
        decoding.set(key, started);
        return started;
      },
    };
  }

  return { find, store, evict, decodedSource, settled: () => eviction ?? Promise.resolve() };
}

export type ImageCache = ReturnType<typeof createImageCache>;

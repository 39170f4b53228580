import { probeVideo, type VideoInfo } from '@fjord/media';

/** How a video job learns its original's facts: by the original's storage key, from a file on disk. */
export type ProbeOriginal = (storageKey: string, path: string) => Promise<VideoInfo>;

/**
 * One ffprobe per original per worker. A video fans out to four children (ladder, poster, preview,
 * storyboard) that each need the same facts, and each ffprobe costs ~0.3 CPU-s, almost all of it process
 * start-up (docs/performance.md, video-ladder). Children of one media that run at once share the probe in
 * flight; a success is kept for `ttlMs` (an original never changes under its key: a new upload is a new
 * key), a failure is never kept, so a retry probes again. Bounded: the oldest entry goes first.
 */
export function createVideoProbeCache(
  opts: {
    probe?: (path: string) => Promise<VideoInfo>;
    ttlMs?: number;
    maxEntries?: number;
    now?: () => number;
  } = {},
): ProbeOriginal {
  const { probe = probeVideo, ttlMs = 10 * 60_000, maxEntries = 256, now = Date.now } = opts;
  const entries = new Map<string, { at: number; info: Promise<VideoInfo> }>();
  return (storageKey, path) => {
    const hit = entries.get(storageKey);
    if (hit && now() - hit.at < ttlMs) return hit.info;
    entries.delete(storageKey);
    const info = probe(path);
    const entry = { at: now(), info };
    entries.set(storageKey, entry);
    info.catch(() => {
      if (entries.get(storageKey) === entry) entries.delete(storageKey);
    });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return info;
  };
}

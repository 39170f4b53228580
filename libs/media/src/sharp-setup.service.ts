import sharp from 'sharp';

/**
 * Process-wide sharp settings; call once at worker start.
 *
 * - concurrency: libvips threads per image. It defaults to 1 on glibc without jemalloc, so set it
 *   deliberately: worker concurrency × sharp concurrency ≈ cores (Config.sharpConcurrency does that sum).
 * - cache off: the libvips operation cache only pays off when the same input is processed repeatedly in
 *   one process. A transcode worker sees each upload once, so the cache would just pin up to ~50 MB of
 *   decoded pixels and file handles per process. Variants of one image share a decode via clone() instead.
 */
export function configureSharp({ concurrency }: { concurrency: number }): void {
  sharp.concurrency(Math.max(1, Math.floor(concurrency)));
  sharp.cache(false);
}

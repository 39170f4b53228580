/** Types for scripts/services.mjs, so TypeScript callers (libs/testing's global setup) can import it. */
export function ensureServices(opts?: {
  needChromium?: boolean;
}): Promise<{ databaseUrl: string; redisUrl: string }>;
export function stopServices(): Promise<void>;
/** Bench only: Debian's ImageMagick 6 at /usr/bin/convert, installed with apt-get when missing. */
export function ensureImageMagick(): void;

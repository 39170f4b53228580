import { EnvSchema } from '@fjord/config';
import { prepareTemplateDatabase } from '@fjord/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureImageMagick, ensureServices } from '../../scripts/services.mjs';

/** Postgres, Redis, ffmpeg (and ImageMagick when asked) reachable, the test template database ready. */
export async function ensureBenchTools({ imageMagick = false } = {}): Promise<void> {
  await ensureServices();
  if (imageMagick) ensureImageMagick();
  await prepareTemplateDatabase();
}

/**
 * The AVIF effort the bench's workers run with: they get no AVIF_EFFORT, so the schema default. (The
 * in-process test config sets 0 for speed; a baseline must use what the workers use.)
 */
export function workerAvifEffort(): number {
  return EnvSchema.shape.AVIF_EFFORT.parse(undefined);
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_PRESETS } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { createImageCache } from '@fjord/ingest';
import { imageLimitsOf, imageTransformCacheKey, resolveImageOptions, type ImageLimits } from '@fjord/media';
import { createJpegFixture } from '@fjord/media/testing';
import { createBlobStore } from '@fjord/storage';
import {
  createReadyMedia,
  createTestDatabase,
  createTestUser,
  testConfig,
  type TestDatabase,
} from '@fjord/testing';
import { renderEagerPresets } from './render-eager-presets';

let database: TestDatabase;
let db: DbClient;
let deps: Parameters<typeof renderEagerPresets>[0];
let limits: ImageLimits;
const warnings: Record<string, unknown>[] = [];
const card = { name: 'card', options: DEFAULT_IMAGE_PRESETS['card']! };

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  const config = testConfig({ DATABASE_URL: database.url });
  const storage = createBlobStore(config);
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj: Record<string, unknown>) => void warnings.push(obj),
    error: () => undefined,
  };
  const cache = createImageCache({ db, storage, maxBytes: config.IMAGE_CACHE_MAX_BYTES, logger });
  limits = { ...imageLimitsOf(config), maxPixels: 4_000_000 };
  deps = { db, cache, logger, limits, avifEffort: 0 };
});
afterAll(async () => {
  await database?.drop();
});

describe('renderEagerPresets', () => {
  it('stores each preset in the three auto formats under the /img key; a bad preset is logged, never thrown', async () => {
    const { id: ownerId } = await createTestUser(db);
    const media = await createReadyMedia(db, { ownerId, run: 3 });
    const input = await createJpegFixture({ width: 900, height: 600 });

    const result = await renderEagerPresets(deps, {
      mediaId: media.id,
      run: 3,
      presets: [
        // 16 Mpx passes the size limit but not this pixel limit: refused as an /img URL would be.
        { name: 'huge', options: 'w:4000,h:4000' },
        { name: 'bad', options: 'w:0' },
        card,
      ],
      input,
    });
    expect(result).toEqual({ stored: 3, failed: 2, cached: 0 });
    expect(warnings.map((w) => w.preset)).toEqual(['huge', 'bad']);

    const resolved = resolveImageOptions('preset:card', limits);
    const keys = (['avif', 'webp', 'jpeg'] as const).map((format) =>
      imageTransformCacheKey({ resolved, format, mediaId: media.id, run: 3 }),
    );
    const rows = await db.imageCacheEntry.findMany({ where: { mediaId: media.id } });
    expect(rows.map((r) => r.key).sort()).toEqual([...keys].sort());

    // Already there (a retried job): nothing is rendered twice.
    expect(await renderEagerPresets(deps, { mediaId: media.id, run: 3, presets: [card], input })).toEqual({
      stored: 0,
      failed: 0,
      cached: 3,
    });
  });

  it('renders nothing for a run the media has left behind', async () => {
    const { id: ownerId } = await createTestUser(db);
    const media = await createReadyMedia(db, { ownerId, run: 2 });
    const input = await createJpegFixture({ width: 300, height: 200 });
    const result = await renderEagerPresets(deps, { mediaId: media.id, run: 1, presets: [card], input });
    expect(result).toEqual({ stored: 0, failed: 0, cached: 0 });
    expect(await db.imageCacheEntry.count({ where: { mediaId: media.id } })).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, type Queues } from '@fjord/queue';
import {
  createReadyMedia,
  createTestDatabase,
  createTestUser,
  testConfig,
  type TestDatabase,
} from '@fjord/testing';
import { previewBulkReprocess } from './bulk-reprocess.service';

let database: TestDatabase;
let queues: Queues;
beforeAll(async () => {
  database = await createTestDatabase();
  queues = createQueues(testConfig({ DATABASE_URL: database.url }));
});
afterAll(async () => {
  await queues?.close();
  await database?.drop();
});

describe('previewBulkReprocess', () => {
  it('counts and sums in Postgres exactly the READY images finished before the cutoff', async () => {
    const db = database.db;
    const { id: ownerId } = await createTestUser(db);
    const before = new Date('2026-06-01T12:00:00.000Z');
    const earlier = new Date(before.getTime() - 1);
    const image = (o: Omit<Parameters<typeof createReadyMedia>[1], 'ownerId'>) =>
      createReadyMedia(db, { finishedAt: earlier, ...o, ownerId });
    await image({ width: 4000, height: 3000 });
    await image({ width: 1920, height: 1080 });
    // 2.5 billion pixels: past int range, so the product has to be a bigint.
    await image({ width: 50_000, height: 50_000 });
    // Counted, but adds no pixels (dimensions never read).
    await image({ width: null, height: null });
    // Not selected: a video, a failed image, one finished at the cutoff, one still processing.
    await image({ kind: 'VIDEO', mimeType: 'video/mp4', width: 1000, height: 1000 });
    await image({ status: 'FAILED', width: 1000, height: 1000 });
    await image({ width: 1000, height: 1000, finishedAt: before });
    await image({ status: 'PROCESSING', width: 1000, height: 1000, finishedAt: null });

    const preview = await previewBulkReprocess(
      { db, queues, presets: { card: 'w=400' } },
      { preset: 'card', before },
    );
    const pixels = 4000 * 3000 + 1920 * 1080 + 50_000 * 50_000;
    expect(preview).toMatchObject({ images: 4, jobsPerImage: 3, before, cpuMinutes: null });
    expect(preview.megapixels).toBeCloseTo(pixels / 1e6, 6);

    const none = await previewBulkReprocess(
      { db, queues, presets: { card: 'w=400' } },
      { preset: 'card', before: new Date('2020-01-01T00:00:00Z') },
    );
    expect(none).toMatchObject({ images: 0, megapixels: 0 });
  });
});

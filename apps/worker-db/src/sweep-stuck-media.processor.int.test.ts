import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@fjord/auth';
import { createMediaFlowEnqueuer, createQueues } from '@fjord/queue';
import { createTestDatabase, createTestUser, testConfig, type TestDatabase } from '@fjord/testing';
import { createSweepProcessor } from './sweep-stuck-media.processor';

let database: TestDatabase;
let queues: ReturnType<typeof createQueues>;
let enqueuer: ReturnType<typeof createMediaFlowEnqueuer>;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  database = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: database.url });
  queues = createQueues(config);
  enqueuer = createMediaFlowEnqueuer({ config, queues });
});
afterAll(async () => {
  await enqueuer?.close();
  await queues?.close();
  await database?.drop();
});

describe('maintenance sweep', () => {
  it('drops Idempotency-Key rows past their 24 h and keeps live ones', async () => {
    const { db } = database;
    const user = await createTestUser(db);
    const { apiKey } = await createApiKey({ db, userId: user.id, name: 'k' });
    const row = (key: string, expiresAt: Date) => ({
      apiKeyId: apiKey.id,
      route: 'POST /api/v1/media',
      key,
      requestHash: 'h',
      expiresAt,
    });
    await db.idempotencyKey.createMany({
      data: [row('old', new Date(Date.now() - 1000)), row('live', new Date(Date.now() + 3_600_000))],
    });
    const sweep = createSweepProcessor({
      db,
      queues,
      enqueuer,
      staleAfterMs: 60_000,
      logger: silent,
    });
    expect(await sweep()).toEqual({ requeued: [], expiredIdempotencyKeys: 1 });
    expect((await db.idempotencyKey.findMany({ select: { key: true } })).map((r) => r.key)).toEqual(['live']);
  });
});

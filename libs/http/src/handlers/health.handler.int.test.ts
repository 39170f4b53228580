import { afterAll, beforeAll, expect, it } from 'vitest';
import { createQueues } from '@fjord/queue';
import { createWebHarness, withHealthContract } from '../test/web-test-harness';
import { createHealthHandlers } from './health.handler';

let h: Awaited<ReturnType<typeof createWebHarness>>;

beforeAll(async () => {
  h = await createWebHarness();
});

afterAll(async () => {
  await h?.close();
});

it('is live without asking anything', async () => {
  const res = await h.health.live();
  expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
});

it('is ready when Postgres and Redis answer', async () => {
  const res = await h.health.ready();
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok', checks: { db: 'ok', redis: 'ok' } });
});

it('is not ready when Redis is unreachable', async () => {
  const deadRedis = createQueues({ REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: 'unused' });
  try {
    const res = await withHealthContract(createHealthHandlers({ db: h.db, queues: deadRedis })).ready();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', checks: { db: 'ok', redis: 'down' } });
  } finally {
    await deadRedis.close();
  }
});

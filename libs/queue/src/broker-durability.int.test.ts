import { afterAll, describe, expect, it } from 'vitest';
import { startOwnRedisServer, waitFor, type OwnRedisServer } from '@fjord/testing';
import { checkBrokerDurability, watchBrokerDurability } from './broker-durability';
import { closeRedis, createRedis, waitUntilReady } from './redis';

const servers: OwnRedisServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function connect(args: string[]) {
  const server = await startOwnRedisServer('durability', args);
  servers.push(server);
  const redis = createRedis({ REDIS_URL: server.url }, 'producer');
  await waitUntilReady(redis);
  return { server, redis };
}

describe('broker durability check', () => {
  it('names a broker without AOF that evicts, with both fixes', async () => {
    const { redis } = await connect(['--maxmemory-policy', 'allkeys-lru']);
    try {
      const result = await checkBrokerDurability(redis);
      expect(result).toMatchObject({ isChecked: true, appendonly: 'no', maxmemoryPolicy: 'allkeys-lru' });
      expect(result.risks).toHaveLength(2);
      expect(result.risks.join(' ')).toMatch(/appendonly yes.*maxmemory-policy noeviction/s);
    } finally {
      await closeRedis(redis);
    }
  });

  it('is quiet about a durable broker (AOF, noeviction)', async () => {
    const { redis } = await connect([
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
    ]);
    try {
      expect(await checkBrokerDurability(redis)).toMatchObject({ isChecked: true, risks: [] });
    } finally {
      await closeRedis(redis);
    }
  });

  it('says it cannot tell when CONFIG is not permitted', async () => {
    const { redis } = await connect(['--rename-command', 'CONFIG', '']);
    try {
      const result = await checkBrokerDurability(redis);
      expect(result.isChecked).toBe(false);
      expect(result.risks[0]).toMatch(/refused CONFIG GET/);
    } finally {
      await closeRedis(redis);
    }
  });

  it('warns once at start and again after Redis comes back (restarted), one line each', async () => {
    const { server, redis } = await connect([]);
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (_o: object, msg?: string) => warnings.push(msg ?? ''),
    };
    const watch = watchBrokerDurability(redis, logger, { dedupeMs: 0 });
    try {
      await waitFor(() => warnings.length === 1);
      expect(warnings[0]).toMatch(/^broker can lose work: Redis runs with appendonly no/);
      await server.restartEmpty();
      await waitFor(() => warnings.length === 2, { timeoutMs: 10_000 });
    } finally {
      watch.stop();
      await closeRedis(redis);
    }
  });
});

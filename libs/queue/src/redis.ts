import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '@fjord/config';
import { createConnectionErrorLog, stderrLogger } from './connection-error-log';
import type { QueueLogger } from './logger';

export type RedisRole = 'worker' | 'producer' | 'subscriber';

/**
 * One place decides how each kind of connection behaves when Redis is away (BullMQ production guide):
 * workers wait forever (`maxRetriesPerRequest: null`) because blocking commands must survive a restart;
 * producers fail fast (no offline queue, one retry) so an upload request errors instead of hanging;
 * subscribers retry forever and re-subscribe on reconnect.
 */
export function createRedis(
  config: Pick<Config, 'REDIS_URL'>,
  role: RedisRole,
  logger: QueueLogger = stderrLogger,
): Redis {
  const base: RedisOptions = { connectionName: `fjord-${role}`, lazyConnect: false };
  const byRole: Record<RedisRole, RedisOptions> = {
    worker: { maxRetriesPerRequest: null, enableReadyCheck: true },
    producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false },
    subscriber: { maxRetriesPerRequest: null, autoResubscribe: true },
  };
  const redis = new Redis(config.REDIS_URL, { ...base, ...byRole[role] });
  // Without a listener ioredis prints every reconnect attempt as an unhandled error event; with one
  // that drops them an operator never sees the outage. Logged, rate-limited.
  const errors = createConnectionErrorLog(logger, { role });
  redis.on('error', errors.onError);
  redis.on('ready', errors.onReady);
  return redis;
}

/** Resolves once the connection is ready; producers have no offline queue, so commands before that fail. */
export async function waitUntilReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/** quit() when connected, disconnect() otherwise: quit on a dead connection waits for a reconnect. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}

import { randomBytes } from 'node:crypto';
import { parseConfig, type Config } from '@fjord/config';
import { createRedis, closeRedis, type QueueLogger } from '@fjord/queue';

/**
 * Production defaults (lock duration, attempts, backoff, concurrency: what `npm start` runs with), only
 * on a queue prefix of the bench's own so the rows never touch a running stack's jobs.
 */
export function benchQueueConfig(label: string, env: Record<string, string> = {}): Config {
  return parseConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: `fjord-bench-${label}-${randomBytes(4).toString('hex')}`,
    ...env,
  });
}

/** Warnings and errors still reach stderr: a failing job must not pass for a fast one. */
export const benchLogger: QueueLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => console.error('warn', msg, obj),
  error: (obj, msg) => console.error('error', msg, obj),
};

/**
 * Removes every key under the bench's own prefix: the queues it used and those `createQueues` only opened
 * (their meta keys), the web app's rate-limit buckets and finished-tus records.
 */
export async function removeBenchKeys(config: Config): Promise<void> {
  const connection = createRedis(config, 'worker', benchLogger);
  let cursor = '0';
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', `${config.QUEUE_PREFIX}:*`, 'COUNT', 1000);
    if (keys.length > 0) await connection.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await closeRedis(connection);
}

/** The pid of the Redis server the bench talks to (`INFO server`), so its CPU can be read from /proc. */
export async function redisServerPid(config: Config): Promise<number | undefined> {
  const connection = createRedis(config, 'worker', benchLogger);
  try {
    const info = await connection.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    return Number.isFinite(pid) ? pid : undefined;
  } finally {
    await closeRedis(connection);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

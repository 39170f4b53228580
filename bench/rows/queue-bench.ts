import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
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

/** Removes every queue the bench made under its prefix. */
export async function removeBenchQueues(config: Config, names: string[]): Promise<void> {
  const connection = createRedis(config, 'worker', benchLogger);
  for (const name of names) {
    const queue = new Queue(name, { connection, prefix: config.QUEUE_PREFIX });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
  await closeRedis(connection);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '@fjord/config';
import { createConnectionErrorLog, stderrLogger } from './connection-error-log';
import { QueueName } from './contracts';
import type { QueueLogger } from './logger';
import { closeRedis, createRedis } from './redis';

export type Queues = {
  transcode: Queue;
  db: Queue;
  email: Queue;
  maintenance: Queue;
  webhooks: Queue;
  connection: Redis;
  close(): Promise<void>;
};

/** Producer-side handles on every queue, sharing one fail-fast connection. */
export function createQueues(
  config: Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX'>,
  opts: { logger?: QueueLogger } = {},
): Queues {
  const connection = createRedis(config, 'producer', opts.logger);
  // A Queue re-emits its connection's errors, and BullMQ prints them when nobody listens.
  const errors = createConnectionErrorLog(
    opts.logger ?? stderrLogger,
    { role: 'queue' },
    { message: 'queue error' },
  );
  const open = (name: QueueName) =>
    new Queue(name, { connection, prefix: config.QUEUE_PREFIX }).on('error', errors.onError);
  const queues = {
    transcode: open(QueueName.transcode),
    db: open(QueueName.db),
    email: open(QueueName.email),
    maintenance: open(QueueName.maintenance),
    webhooks: open(QueueName.webhooks),
  };
  return {
    ...queues,
    connection,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await closeRedis(connection);
    },
  };
}

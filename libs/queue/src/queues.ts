import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '@fjord/config';
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
  const open = (name: QueueName) => new Queue(name, { connection, prefix: config.QUEUE_PREFIX });
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

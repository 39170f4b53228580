import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { getMetrics } from '@fjord/observability';
import { getJobCounts } from './admin/queue-stats.service';
import { JOB_STATES } from './admin/queue-admin.types';
import { QueueName } from './contracts';
import type { QueueLogger } from './logger';
import { redisKey } from './redis-keys';
import { holdLease, releaseLease } from './redis-lease';


export type QueueSampler = { tick(): Promise<boolean>; stop(): Promise<void> };

export function queueSamplerLeaseKey(prefix: string): string {
  return redisKey(prefix, 'metrics', 'queue-sampler');
}

/**
 * Queue depth (fjord_queue_jobs by queue and state) and connected workers (fjord_queue_workers), for
 * every queue, sampled every `everyMs` by ONE process of the whole deployment: every worker competes
 * for a Redis lease (3 ticks long) and only its holder reads the counts, so N replicas cost N cheap SETs
 * per tick, not N × 5 × getJobCounts. A process that loses the lease drops its series (no stale depth);
 * dashboards and rules take max() over instances. The counts are the console's (getJobCounts).
 */
export function startQueueSampler(deps: {
  connection: Redis;
  prefix: string;
  owner: string;
  everyMs: number;
  logger: QueueLogger;
  /** The worker's connection-error log (a Queue re-emits its connection's errors). */
  onError(err: Error): void;
}): QueueSampler {
  const metrics = getMetrics();
  const key = queueSamplerLeaseKey(deps.prefix);
  const queues = Object.values(QueueName).map(
    (name) => new Queue(name, { connection: deps.connection, prefix: deps.prefix }),
  );
  for (const q of queues) q.on('error', deps.onError);
  let isLeader = false;
  let isRunning = false;

  async function tick(): Promise<boolean> {
    if (isRunning) return isLeader;
    isRunning = true;
    try {
      // One round trip per tick per process: renewed if held, taken when free.
      isLeader = await holdLease(deps.connection, key, deps.owner, deps.everyMs * 3);
      if (!isLeader) {
        metrics.queueJobs.reset();
        metrics.queueWorkers.reset();
      } else {
        await Promise.all(
          queues.map(async (q) => {
            const [counts, workers] = await Promise.all([getJobCounts(q), q.getWorkersCount()]);
            for (const state of JOB_STATES) metrics.queueJobs.set({ queue: q.name, state }, counts[state]);
            metrics.queueWorkers.set({ queue: q.name }, workers);
          }),
        );
      }
    } catch (err) {
      // Redis away: no numbers rather than old ones.
      deps.logger.warn({ err }, 'queue sampling failed');
      isLeader = false;
      metrics.queueJobs.reset();
      metrics.queueWorkers.reset();
    } finally {
      metrics.queueSampler.set(isLeader ? 1 : 0);
      isRunning = false;
    }
    return isLeader;
  }

  const timer = setInterval(() => void tick(), deps.everyMs);
  timer.unref();
  void tick();

  return {
    tick,
    async stop() {
      clearInterval(timer);
      if (isLeader) {
        // Hand over at once rather than after the lease runs out.
        await releaseLease(deps.connection, key, deps.owner).catch(() => undefined);
        isLeader = false;
        metrics.queueSampler.set(0);
      }
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}

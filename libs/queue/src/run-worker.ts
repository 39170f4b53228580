import os from 'node:os';
import { MetricsTime, Queue, Worker, type Job } from 'bullmq';
import { workerName } from './admin/queue-workers.service';
import type { Config } from '@fjord/config';
import type { QueueName } from './contracts';
import { getMetrics } from '@fjord/observability';
import { startHealthServer, type HealthServer } from './health-server';
import { startHostSampling } from './host-stats.service';
import { startQueueSampler } from './queue-sampler';
import { createJobRunner, mediaIdOf, type JobHandler, type JobProcessor, type RetryConfig } from './run-job';
import type { QueueLogger } from './logger';
import { watchBrokerDurability } from './broker-durability';
import { createConnectionErrorLog } from './connection-error-log';
import { closeRedis, createRedis } from './redis';
import { handleShutdownSignals } from './shutdown';

export type RunWorkerOptions<R> = {
  queueName: QueueName;
  /** Handlers dispatched on `job.name`; a bare function takes every job as it comes (test stand-ins). */
  processor: JobHandler | JobHandler[] | JobProcessor<R>;
  concurrency: number;
  config: Pick<
    Config,
    | 'REDIS_URL'
    | 'QUEUE_PREFIX'
    | 'WORKER_LOCK_DURATION_MS'
    | 'JOB_MAX_STALLS'
    | 'FJORD_VERSION'
    | 'METRICS_SAMPLE_INTERVAL_MS'
  > &
    RetryConfig;
  logger: QueueLogger;
  /** 0 or undefined = no health server. */
  healthPort?: number;
  /**
   * What else the worker's jobs need (e.g. Postgres: `SELECT 1`): /health/ready answers 503 while it
   * rejects or answers false, within the probe's 1 s bound like the Redis check.
   */
  isDependencyReady?: () => Promise<boolean>;
  /** Exit the process on SIGTERM/SIGINT after a graceful close (true for entrypoints, false in tests). */
  handleSignals?: boolean;
  /** Called when a close starts, before waiting for active jobs (e.g. to stop long child processes). */
  onClosing?: () => void;
  /** Closes the app's own resources (db, mailer, publisher) after the worker stopped taking jobs. */
  onClose?: () => Promise<void>;
};

export type RunningWorker = { worker: Worker; close(): Promise<void> };

/**
 * A long-lived BullMQ worker with the production habits built in: short, renewed locks so a killed
 * process's job is taken over quickly; stalled jobs retried instead of failed at once; every failure
 * logged with its mediaId; SIGTERM lets in-flight jobs finish before the connections close.
 */
export async function runWorker<R>(opts: RunWorkerOptions<R>): Promise<RunningWorker> {
  const { queueName, config, logger } = opts;
  const connection = createRedis(config, 'worker', logger);
  const durability = watchBrokerDurability(connection, logger);
  const lockDuration = config.WORKER_LOCK_DURATION_MS;
  const runJob = createJobRunner({ processor: opts.processor, queueName, config, logger });
  const active = getMetrics().jobsActive;
  active.set({ queue: queueName }, 0);

  const name = workerName({
    host: os.hostname(),
    pid: process.pid,
    version: config.FJORD_VERSION,
    concurrency: opts.concurrency,
  });
  const worker = new Worker(
    queueName,
    async (job: Job, token?: string) => {
      active.inc({ queue: queueName });
      try {
        return await runJob(job, token);
      } finally {
        active.dec({ queue: queueName });
      }
    },
    {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: opts.concurrency,
      lockDuration,
      // A lock is renewed every lockDuration/2; checking at the same pace finds a dead worker's job
      // within ~1.5 lock durations instead of waiting a fixed 30 s.
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      // A stall is a dead or frozen worker, rarely the job's fault: it retries, without counting an attempt,
      // up to a high backstop (ADR 0025). At 2, three crashes of a worker failed its neighbours' uploads too.
      maxStalledCount: config.JOB_MAX_STALLS,
      // The admin console lists workers from Redis' CLIENT LIST by this name.
      name,
      // Per-minute completed/failed counts for the console's throughput charts (a week of points).
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    },
  );

  // Mostly its connections failing while Redis is away: rate-limited like the connection's own log.
  const workerErrors = createConnectionErrorLog(logger, { queue: queueName }, { message: 'worker error' });
  worker.on('error', workerErrors.onError);
  worker.on('failed', (job, err) => {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    const entry = {
      err,
      queue: queueName,
      jobId: job?.id,
      mediaId: mediaIdOf(job),
      attempt: job?.attemptsMade,
    };
    if (final) logger.error(entry, 'job failed for good');
    else logger.warn(entry, 'job failed, will retry');
  });
  worker.on('stalled', (jobId) =>
    logger.warn({ queue: queueName, jobId }, 'job stalled; another worker takes it'),
  );

  let health: HealthServer | undefined;
  let backlogQueue: Queue | undefined;
  if (opts.healthPort) {
    backlogQueue = new Queue(queueName, { connection, prefix: config.QUEUE_PREFIX });
    backlogQueue.on('error', workerErrors.onError);
    const countsQueue = backlogQueue;
    health = await startHealthServer({
      port: opts.healthPort,
      queueName,
      backlog: async () => {
        const counts = await countsQueue.getJobCounts('waiting', 'prioritized', 'delayed');
        return Object.values(counts).reduce((sum, n) => sum + n, 0);
      },
      // Not ready while the connection is away, rather than a ping queued until Redis returns.
      isReady: async () =>
        worker.isRunning() &&
        connection.status === 'ready' &&
        (await connection.ping()) === 'PONG' &&
        (await (opts.isDependencyReady?.() ?? Promise.resolve(true))),
    });
  }

  // The host (/proc) and the queue-depth sampler lease (queue-sampler.ts): where a health port exports them.
  const samples = Boolean(opts.healthPort);
  const everyMs = config.METRICS_SAMPLE_INTERVAL_MS;
  const sampling = { connection, prefix: config.QUEUE_PREFIX, everyMs, logger };
  const queueSampler = samples
    ? startQueueSampler({ ...sampling, owner: name, onError: workerErrors.onError })
    : undefined;
  const hostSampling = samples ? startHostSampling(sampling) : undefined;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      opts.onClosing?.();
      durability.stop();
      hostSampling?.stop();
      await worker.close(); // waits for active jobs to finish
      await queueSampler?.stop();
      await health?.close();
      await backlogQueue?.close();
      await closeRedis(connection);
      await opts.onClose?.();
    })());

  if (opts.handleSignals ?? true) handleShutdownSignals(close, logger);

  await worker.waitUntilReady();
  logger.info(
    { queue: queueName, concurrency: opts.concurrency, healthPort: health?.port },
    'worker started',
  );
  return { worker, close };
}

import { randomUUID } from 'node:crypto';
import { FlowProducer, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  IMAGE_VARIANTS,
  QueueName,
  createMediaFlowEnqueuer,
  createQueues,
  finalizeMediaJob,
  handleJob,
  notifyMediaJob,
  runWorker,
  transcodeImageJob,
} from '@fjord/queue';
import { benchLogger, benchQueueConfig, removeBenchKeys } from './queue-bench';

/** One side of the comparison: `executions` no-op jobs added and run to the end. */
export type FlowSetup = { executions: number; run(): Promise<void>; close(): Promise<void> };

const QUEUES = [QueueName.transcode, QueueName.db, QueueName.email] as const;
/** How many flows (or plain jobs) the producer keeps in flight: an upload burst, not one at a time. */
const PRODUCER_IN_FLIGHT = 8;

async function inBatches(count: number, add: (i: number) => Promise<unknown>) {
  let next = 0;
  const lane = async () => {
    while (next < count) await add(next++);
  };
  await Promise.all(Array.from({ length: PRODUCER_IN_FLIGHT }, lane));
}

/** Resolves once `count` completions were seen, or fails after `timeoutMs`. */
function countCompletions(workers: Worker[], count: number, timeoutMs: number) {
  return new Promise<void>((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => reject(new Error(`only ${seen}/${count} jobs completed`)), timeoutMs);
    const onCompleted = () => {
      if (++seen < count) return;
      clearTimeout(timer);
      resolve();
    };
    for (const w of workers) w.on('completed', onCompleted);
  });
}

/**
 * Fjord as it runs: the media flow built by its own enqueuer (notify ← finalize ← one transcode per image
 * variant), the real job definitions, runWorker with production options and concurrencies; the
 * processors return a valid result and do nothing else.
 */
export async function createFjordFlowSetup(flows: number, timeoutMs: number): Promise<FlowSetup> {
  const config = benchQueueConfig('flow');
  const queues = createQueues(config, { logger: benchLogger });
  const enqueuer = createMediaFlowEnqueuer({ config, queues, logger: benchLogger });
  const variants = IMAGE_VARIANTS.map((v) => v.name);
  const common = { config, logger: benchLogger, handleSignals: false };
  const transcode = handleJob(transcodeImageJob, async (data) => ({
    variant: data.variant,
    format: 'webp',
    mimeType: 'image/webp',
    ...{ width: 1, height: 1, bytes: 0, sourceWidth: 1, sourceHeight: 1 },
    storageKey: `bench/${data.mediaId}/${data.variant}`,
  }));
  const finalize = handleJob(finalizeMediaJob, async (data) => ({
    mediaId: data.mediaId,
    status: 'READY' as const,
  }));
  const notify = handleJob(notifyMediaJob, async () => ({
    kind: 'MEDIA_READY' as const,
    messageId: 'bench',
    sent: false,
  }));
  const workers = [
    await runWorker({
      ...common,
      queueName: QueueName.transcode,
      processor: [transcode],
      concurrency: config.TRANSCODE_CONCURRENCY,
    }),
    await runWorker({
      ...common,
      queueName: QueueName.db,
      processor: [finalize],
      concurrency: config.DB_CONCURRENCY,
    }),
    await runWorker({
      ...common,
      queueName: QueueName.email,
      processor: [notify],
      concurrency: config.EMAIL_CONCURRENCY,
    }),
  ];
  return {
    executions: flows * (variants.length + 2),
    async run() {
      // The root (notify) completes last: one per flow.
      const done = countCompletions([workers[2]!.worker], flows, timeoutMs);
      await inBatches(flows, () => enqueuer.enqueueMediaFlow({ mediaId: randomUUID(), run: 1, variants }));
      await done;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await enqueuer.close();
      await queues.close();
      await removeBenchKeys(config);
    },
  };
}

type RawQueueName = (typeof QUEUES)[number];

/** Plain BullMQ workers with default options and a no-op processor, at Fjord's concurrencies. */
async function startRawWorkers(config: ReturnType<typeof benchQueueConfig>) {
  const concurrency: Record<RawQueueName, number> = {
    [QueueName.transcode]: config.TRANSCODE_CONCURRENCY,
    [QueueName.db]: config.DB_CONCURRENCY,
    [QueueName.email]: config.EMAIL_CONCURRENCY,
  };
  const workers = QUEUES.map(
    (name) =>
      new Worker(name, async () => ({}), {
        connection: new Redis(config.REDIS_URL, { maxRetriesPerRequest: null }),
        prefix: config.QUEUE_PREFIX,
        concurrency: concurrency[name],
      }),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return workers;
}

/**
 * What a user could write by hand: plain BullMQ Queue.add and Worker with default options and a no-op
 * processor, on the same three queues with the same concurrencies, the same number of executions.
 */
export async function createRawBullmqSetup(flows: number, timeoutMs: number): Promise<FlowSetup> {
  const config = benchQueueConfig('raw');
  const producer = new Redis(config.REDIS_URL);
  const queues = QUEUES.map((name) => new Queue(name, { connection: producer, prefix: config.QUEUE_PREFIX }));
  const workers = await startRawWorkers(config);
  const perFlow: Record<RawQueueName, number> = {
    [QueueName.transcode]: IMAGE_VARIANTS.length,
    [QueueName.db]: 1,
    [QueueName.email]: 1,
  };
  const jobs = QUEUES.flatMap((name, q) => Array.from({ length: perFlow[name] }, () => q));
  const executions = flows * jobs.length;
  return {
    executions,
    async run() {
      const done = countCompletions(workers, executions, timeoutMs);
      await inBatches(executions, (i) => queues[jobs[i % jobs.length]!]!.add('noop', { n: i }));
      await done;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(queues.map((q) => q.close()));
      producer.disconnect();
      await removeBenchKeys(config);
    },
  };
}

/**
 * The same flow shape written by hand with BullMQ's FlowProducer and default options: separates what
 * flows cost in BullMQ itself from what Fjord's enqueuer, definitions and runner add.
 */
export async function createRawFlowSetup(flows: number, timeoutMs: number): Promise<FlowSetup> {
  const config = benchQueueConfig('rawflow');
  const producer = new Redis(config.REDIS_URL);
  const flowProducer = new FlowProducer({ connection: producer, prefix: config.QUEUE_PREFIX });
  const workers = await startRawWorkers(config);
  const child = { ignoreDependencyOnFailure: true };
  const addFlow = (n: number) =>
    flowProducer.add({
      name: 'notify',
      queueName: QueueName.email,
      data: { n },
      children: [
        {
          name: 'finalize',
          queueName: QueueName.db,
          data: { n },
          opts: child,
          children: IMAGE_VARIANTS.map((v) => ({
            name: 'transcode',
            queueName: QueueName.transcode,
            data: { n, variant: v.name },
            opts: child,
          })),
        },
      ],
    });
  return {
    executions: flows * (IMAGE_VARIANTS.length + 2),
    async run() {
      const done = countCompletions([workers[2]!], flows, timeoutMs);
      await inBatches(flows, addFlow);
      await done;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await flowProducer.close();
      producer.disconnect();
      await removeBenchKeys(config);
    },
  };
}

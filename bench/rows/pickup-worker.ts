/**
 * Child process of pickup-latency.bench.ts: Fjord's real transcode worker runner (runWorker, the job
 * runner's parse/dispatch, the transcode-image definition, production options) with a processor that only
 * reports when it was entered. Reports over IPC, timestamps from the system-wide monotonic clock
 * (process.hrtime = CLOCK_MONOTONIC), the same clock the producer reads.
 */
import { QueueName, handleJob, runWorker, transcodeImageJob } from '@fjord/queue';
import { benchLogger, benchQueueConfig } from './queue-bench';

const config = benchQueueConfig('pickup', { QUEUE_PREFIX: process.argv[2]! });
// The parent may already be gone (its run ended) when the last completion arrives.
const send = (message: object) => {
  if (process.connected) process.send?.(message);
};

const processor = handleJob(transcodeImageJob, async (data, job) => {
  send({ type: 'start', jobId: job.id, at: process.hrtime.bigint().toString() });
  return {
    variant: data.variant,
    format: 'webp',
    mimeType: 'image/webp',
    width: 1,
    height: 1,
    bytes: 0,
    storageKey: `bench/${data.mediaId}`,
    sourceWidth: 1,
    sourceHeight: 1,
  };
});

const running = await runWorker({
  queueName: QueueName.transcode,
  processor: [processor],
  concurrency: config.TRANSCODE_CONCURRENCY,
  config,
  logger: benchLogger,
  handleSignals: false,
});
running.worker.on('completed', (job) => send({ type: 'done', jobId: job.id }));
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await running.close();
  process.exit(0);
});
send({ type: 'ready' });

// A worker process for run-worker.int.test.ts: each job takes `ms` milliseconds, prints STARTED when it
// begins, so the test can send SIGTERM while a job is in flight. Config arrives as JSON in argv[2]
// (not from the environment) so this file follows the same rules as library code.
import { parseConfig } from '@fjord/config';
import { QueueName, runWorker, type QueueLogger } from '../src/index';

const config = parseConfig(JSON.parse(process.argv[2] ?? '{}') as Record<string, string>);
const healthPort = Number(process.argv[3] ?? 0);
const write = (level: string) => (obj: object, msg?: string) =>
  process.stderr.write(JSON.stringify({ level, msg, ...obj }) + '\n');
const logger: QueueLogger = {
  debug: () => undefined,
  info: write('info'),
  warn: write('warn'),
  error: write('error'),
};

await runWorker({
  queueName: QueueName.transcode,
  concurrency: 1,
  config,
  logger,
  healthPort,
  processor: async (job) => {
    process.stdout.write(`STARTED ${job.id}\n`);
    await new Promise((resolve) => setTimeout(resolve, Number((job.data as { ms: number }).ms)));
    return { finishedBy: process.pid };
  },
});
process.stdout.write('READY\n');

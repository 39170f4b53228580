import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { getMetrics } from '@fjord/observability';
import { silentLogger, testConfig, uniquePrefix, waitFor } from '@fjord/testing';
import { jobOf, transcodeImageJob } from './job-definitions';
import { createQueues, type Queues } from './queues';
import { handleJob } from './run-job';
import { runWorker, type RunningWorker } from './run-worker';

const labels = { queue: 'transcode', job: 'transcode-image' };
const count = async (metric: 'jobRetries' | 'jobFailures' | 'jobsCompleted', extra: object = {}) => {
  const { values } = await getMetrics()[metric].get();
  return values
    .filter((v) =>
      Object.entries({ ...labels, ...extra }).every(
        ([k, x]) => (v.labels as Record<string, unknown>)[k] === x,
      ),
    )
    .reduce((sum, v) => sum + v.value, 0);
};

/** The reason classes of fjord_job_retries_total / fjord_job_failures_total, from real BullMQ runs. */
describe('job attempt metrics (run-job.ts)', () => {
  let queues: Queues | undefined;
  let worker: RunningWorker | undefined;
  afterEach(async () => {
    await worker?.close();
    await queues?.transcode.obliterate({ force: true }).catch(() => undefined);
    await queues?.close();
  });

  it('counts an infrastructure fault as a retry, a bad file as a failure for good, each by reason', async () => {
    const config = testConfig({
      QUEUE_PREFIX: uniquePrefix('job-metrics'),
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: '50',
    });
    queues = createQueues(config);
    const seen = new Map<string, number>();
    worker = await runWorker({
      queueName: 'transcode',
      concurrency: 2,
      config,
      logger: silentLogger,
      handleSignals: false,
      processor: handleJob(transcodeImageJob, async ({ mediaId, variant }) => {
        const attempt = (seen.get(mediaId) ?? 0) + 1;
        seen.set(mediaId, attempt);
        if (variant === 'broken') throw Object.assign(new Error('corrupt'), { isPermanent: true });
        if (attempt === 1) throw Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
        return {
          variant,
          format: 'webp',
          mimeType: 'image/webp',
          width: 1,
          height: 1,
          bytes: 1,
          storageKey: 'k',
          sourceWidth: 1,
          sourceHeight: 1,
        };
      }),
    });
    const before = {
      infra: await count('jobRetries', { reason: 'infrastructure' }),
      input: await count('jobFailures', { reason: 'input' }),
      done: await count('jobsCompleted'),
    };
    for (const variant of ['thumb-webp', 'broken']) {
      const job = jobOf(transcodeImageJob, config, { v: 1, mediaId: randomUUID(), variant }, {});
      await queues.transcode.add(job.name, job.data, job.opts);
    }
    await waitFor(
      async () =>
        (await count('jobsCompleted')) - before.done === 1 &&
        (await count('jobFailures', { reason: 'input' })) - before.input === 1,
      {
        timeoutMs: 20_000,
        intervalMs: 50,
      },
    );
    expect((await count('jobRetries', { reason: 'infrastructure' })) - before.infra).toBe(1);
    expect(await count('jobRetries', { reason: 'input' })).toBe(0);
  });
});

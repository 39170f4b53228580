import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, testConfig, uniquePrefix, waitFor } from '@fjord/testing';
import { IMAGE_VARIANTS, JobName, QueueName, mediaJobId, variantNamesFor } from './contracts';
import { createMediaFlowEnqueuer, type MediaFlowEnqueuer } from './media-flow.service';
import { getMediaProgress } from './media-progress.service';
import { createQueues, type Queues } from './queues';
import { runWorker, type RunningWorker } from './run-worker';
import { UnrecoverableError } from 'bullmq';

const variants = IMAGE_VARIANTS.map((v) => v.name);

describe('enqueueMediaFlow', () => {
  const config = testConfig({
    QUEUE_PREFIX: uniquePrefix('media-flow'),
    JOB_ATTEMPTS: '2',
    JOB_BACKOFF_MS: '50',
  });
  let queues: Queues;
  let enqueuer: MediaFlowEnqueuer;
  const workers: RunningWorker[] = [];

  beforeAll(() => {
    queues = createQueues(config);
    enqueuer = createMediaFlowEnqueuer({ config, queues });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await enqueuer.close();
    await queues.close();
  });

  it('builds notify ← finalize ← one transcode per variant, and a re-enqueue is a no-op', async () => {
    const mediaId = randomUUID();
    expect(await enqueuer.enqueueMediaFlow({ mediaId, run: 1, variants, requestId: 'req-1' })).toEqual({
      enqueued: true,
    });
    expect(await enqueuer.enqueueMediaFlow({ mediaId, run: 2, variants, requestId: 'req-2' })).toEqual({
      enqueued: false,
    });

    const finalize = await queues.db.getJob(mediaJobId(mediaId, 'finalize'));
    expect(await finalize?.getState()).toBe('waiting-children');
    expect(finalize?.data).toEqual({ v: 1, mediaId, requestId: 'req-1', run: 1 }); // every job: its run
    expect((await queues.email.getJob(mediaJobId(mediaId, 'notify')))?.data.run).toBe(1);
    for (const variant of variants) {
      const child = await queues.transcode.getJob(mediaJobId(mediaId, 'transcode', variant));
      expect(child?.data).toMatchObject({ run: 1, variant });
      expect(child?.opts.attempts).toBe(2);
      expect(child?.opts.ignoreDependencyOnFailure).toBe(true);
    }
    expect(await queues.transcode.getJobCountByTypes('waiting', 'prioritized')).toBe(variants.length);
    expect(await getMediaProgress({ queues, mediaId })).toEqual({ done: 0, failed: 0, total: 3 });
    expect(await getMediaProgress({ queues, mediaId: randomUUID() })).toBeNull();
    await queues.transcode.drain(true);
  });

  it('a later rank puts every job of the flow, parents too, at that priority', async () => {
    const mediaId = randomUUID();
    await enqueuer.enqueueMediaFlow({ mediaId, run: 1, variants, priority: 4 });
    for (const variant of variants) {
      const child = await queues.transcode.getJob(mediaJobId(mediaId, 'transcode', variant));
      expect(child?.opts.priority).toBe(4);
      expect(await child?.getState()).toBe('prioritized');
    }
    expect((await queues.db.getJob(mediaJobId(mediaId, 'finalize')))?.opts.priority).toBe(4);
    expect((await queues.email.getJob(mediaJobId(mediaId, 'notify')))?.opts.priority).toBe(4);
    await queues.transcode.drain(true);
  });

  it('rejects unknown variants before touching Redis', async () => {
    await expect(
      enqueuer.enqueueMediaFlow({ mediaId: randomUUID(), run: 1, variants: ['huge-bmp'] }),
    ).rejects.toThrow(/unknown image variant/);
  });

  it('a child that fails for good still lets finalize run, and a failed finalize still reaches notify', async () => {
    const mediaId = randomUUID();
    const seen: { childValues?: object; ignored?: object; notifyIgnored?: object } = {};
    const workerOpts = { concurrency: 3, config, logger: silentLogger, handleSignals: false } as const;
    workers.push(
      await runWorker({
        ...workerOpts,
        queueName: QueueName.transcode,
        processor: async (job) => {
          if ((job.data as { variant: string }).variant === 'w1280-avif') {
            throw new UnrecoverableError('The image file is corrupt or truncated');
          }
          return { ok: true };
        },
      }),
      await runWorker({
        ...workerOpts,
        queueName: QueueName.db,
        processor: async (job) => {
          seen.childValues = await job.getChildrenValues();
          seen.ignored = await job.getIgnoredChildrenFailures();
          throw new Error('database unreachable');
        },
      }),
      await runWorker({
        ...workerOpts,
        queueName: QueueName.email,
        processor: async (job) => {
          seen.notifyIgnored = await job.getIgnoredChildrenFailures();
          return { notified: true };
        },
      }),
    );

    await enqueuer.enqueueMediaFlow({ mediaId, run: 1, variants });
    const notify = await waitFor(
      async () => {
        const id = mediaJobId(mediaId, 'notify');
        // Read the job after its state says completed, so the snapshot carries the return value.
        return (await queues.email.getJobState(id)) === 'completed' ? queues.email.getJob(id) : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );

    expect(Object.keys(seen.childValues ?? {})).toHaveLength(2);
    expect(Object.values(seen.ignored ?? {})).toEqual(['The image file is corrupt or truncated']);
    expect(Object.values(seen.notifyIgnored ?? {})).toEqual(['database unreachable']);
    expect(notify.returnvalue).toEqual({ notified: true });
    const finalize = await queues.db.getJob(mediaJobId(mediaId, 'finalize'));
    expect(finalize?.attemptsMade).toBe(2); // retried JOB_ATTEMPTS times before giving up
    expect(await getMediaProgress({ queues, mediaId })).toEqual({ done: 2, failed: 1, total: 3 });
  });
});

describe('video flow and per-variant progress (no workers: jobs stay waiting)', () => {
  const config = testConfig({ QUEUE_PREFIX: uniquePrefix('video-flow') });
  let queues: Queues;
  let enqueuer: MediaFlowEnqueuer;
  beforeAll(() => {
    queues = createQueues(config);
    enqueuer = createMediaFlowEnqueuer({ config, queues });
  });
  afterAll(async () => {
    for (const q of [queues.transcode, queues.db, queues.email]) await q.obliterate({ force: true });
    await enqueuer.close();
    await queues.close();
  });

  it('a video flow uses transcode-video jobs, and progress reports each rendition’s percentage', async () => {
    const mediaId = randomUUID();
    const names = variantNamesFor('VIDEO');
    await enqueuer.enqueueMediaFlow({ mediaId, run: 1, kind: 'VIDEO', variants: names });
    await expect(
      enqueuer.enqueueMediaFlow({ mediaId: randomUUID(), run: 1, kind: 'VIDEO', variants }),
    ).rejects.toThrow(/unknown video variant/);
    const v360 = await queues.transcode.getJob(mediaJobId(mediaId, 'transcode', 'cmaf'));
    expect(v360?.name).toBe(JobName.transcodeVideo);
    await v360!.updateProgress(42);
    const progress = await getMediaProgress({ queues, mediaId, variants: names });
    expect(progress?.total).toBe(names.length);
    expect(progress?.variants?.find((v) => v.name === 'cmaf')).toEqual({
      name: 'cmaf',
      percent: 42,
      state: 'waiting',
    });
    expect(progress?.variants?.filter((v) => v.percent === 0)).toHaveLength(names.length - 1);
  });
});

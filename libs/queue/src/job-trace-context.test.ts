import { Writable } from 'node:stream';
import type { Job } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createLogger, startTracing, withSpan } from '@fjord/observability';
import { finalizeMediaJob, jobOf, transcodeImageJob } from './job-definitions';
import { createJobRunner, handleJob } from './run-job';

const exporter = new InMemorySpanExporter();
const tracing = startTracing(
  { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_TRACES_SAMPLE_RATIO: 1 },
  { service: 'queue-test', spanProcessor: new SimpleSpanProcessor({ exporter }) },
);
afterAll(() => tracing.shutdown());

const lines: Record<string, unknown>[] = [];
const logger = createLogger({
  service: 'queue-test',
  level: 'info',
  destination: new Writable({
    write(chunk, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  }),
});

const config = {
  JOB_ATTEMPTS: 3,
  JOB_BACKOFF_MS: 10,
  JOB_INFRA_MAX_DELAY_MS: 100,
  JOB_INFRA_HORIZON_MS: 1_000,
};
const mediaId = '6f1c1a8e-3c1e-4a8e-9a55-0c7f6d1f2a10';

/** What BullMQ hands a processor: the stored data (traceparent included) and the attempt counters. */
function jobFrom(built: ReturnType<typeof jobOf>, attemptsMade: number): Job {
  const now = Date.now();
  return {
    id: `job-${attemptsMade}`,
    name: built.name,
    data: JSON.parse(JSON.stringify(built.data)),
    opts: built.opts,
    attemptsMade,
    attemptsStarted: attemptsMade + 1,
    timestamp: now - 5,
    processedOn: now,
  } as unknown as Job;
}

describe('trace context through job data', () => {
  it('a job added inside a span runs as its child on every attempt, and jobs it adds are its children', async () => {
    exporter.reset();
    const built = await withSpan('POST /api/v1/media', {}, async () =>
      jobOf(transcodeImageJob, config, { v: 1, mediaId, variant: 'thumb' }, { jobId: 't1' }),
    );
    expect(built.data).toMatchObject({
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
    });

    let attempt = 0;
    let childData: Record<string, unknown> | undefined;
    const runJob = createJobRunner({
      processor: handleJob(transcodeImageJob, async () => {
        logger.info({}, 'transcoding');
        childData = jobOf(finalizeMediaJob, config, { v: 1, mediaId }, {}).data;
        if (attempt++ === 0) throw new Error('flaky disk');
        return {
          mediaId,
          variant: 'thumb',
          storageKey: 'k',
          width: 1,
          height: 1,
          bytes: 1,
          format: 'webp',
          mimeType: 'image/webp',
          sourceWidth: 1,
          sourceHeight: 1,
        };
      }),
      queueName: 'transcode',
      config,
      logger,
    });
    await expect(runJob(jobFrom(built, 0))).rejects.toThrow('flaky disk');
    await runJob(jobFrom(built, 1)).catch(() => undefined);

    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === 'POST /api/v1/media')!;
    const jobs = spans.filter((s) => s.name === 'transcode transcode-image');
    expect(jobs).toHaveLength(2);
    for (const span of jobs) {
      expect(span.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(span.attributes['fjord.media.id']).toBe(mediaId);
    }
    expect(jobs.map((s) => s.attributes['fjord.job.attempt'])).toEqual([1, 2]);
    expect(jobs[0]!.status.code).toBe(2); // ERROR: the failed first attempt
    // A job added from inside the job (finalize from a transcode, a webhook from finalize) is its child.
    const last = jobs[1]!.spanContext();
    expect(childData?.traceparent).toBe(`00-${last.traceId}-${last.spanId}-01`);

    const logged = lines.filter((l) => l.msg === 'transcoding');
    expect(logged).toHaveLength(2);
    expect(logged[1]).toMatchObject({ traceId: last.traceId, spanId: last.spanId, mediaId, jobId: 'job-1' });
  });

  it('a job added outside any span carries no trace fields and starts its own trace', async () => {
    exporter.reset();
    const built = jobOf(transcodeImageJob, config, { v: 1, mediaId, variant: 'thumb' }, {});
    expect(built.data).not.toHaveProperty('traceparent');
    const runJob = createJobRunner({ processor: async () => 'ok', queueName: 'transcode', config, logger });
    await runJob(jobFrom(built, 0));
    const [span] = exporter.getFinishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
  });
});

import type { Job, JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from '@fjord/config';
import {
  AccountEmailJobDataSchema,
  AccountEmailJobResultSchema,
  FinalizeJobResultSchema,
  JobName,
  MediaStepJobDataSchema,
  NotifyJobResultSchema,
  QueueName,
  TranscodeJobDataSchema,
  TranscodeJobResultSchema,
  WebhookJobDataSchema,
} from './contracts';
import { currentTraceCarrier } from '@fjord/observability';
import { classifyJobFailure, type JobFailure } from './job-failure';
import { RenderPresetsJobDataSchema, RenderPresetsJobResultSchema } from './render-presets.contract';

/**
 * One object per job: where it runs, what it carries and returns, how it retries and is retained, and how
 * its failures are classified. Producers build jobs from it (`jobOf`), `runWorker` parses, dispatches,
 * classifies and records with it; nothing else pairs a queue, a name, a schema and options by hand.
 */
export type JobDefinition<D = unknown, R = unknown, C = unknown> = {
  queue: QueueName;
  name: JobName;
  version: 1;
  data: z.ZodType<D>;
  result: z.ZodType<R>;
  /** Attempts, backoff and bounded retention (Redis must not grow without limit). */
  options(config: C): JobsOptions;
  /** input (fail now, a human reason) vs infrastructure (wait it out) vs unknown. */
  classify(err: unknown): JobFailure;
  /** An infrastructure fault on the last attempt re-delays the job instead of failing it (ADR 0013). */
  waitsOutInfrastructure: boolean;
};

type MediaRetryConfig = Pick<Config, 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>;
type WebhookRetryConfig = Pick<Config, 'WEBHOOK_ATTEMPTS' | 'WEBHOOK_BACKOFF_MS'>;

const RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
} satisfies JobsOptions;

const retry = (attempts: number, delay: number): JobsOptions => ({
  attempts,
  backoff: { type: 'exponential', delay },
  ...RETENTION,
});
const mediaRetry = (config: MediaRetryConfig) => retry(config.JOB_ATTEMPTS, config.JOB_BACKOFF_MS);

type Defaults = 'version' | 'classify' | 'waitsOutInfrastructure';
function defineJob<D, R, C>(def: Omit<JobDefinition<D, R, C>, Defaults> & Partial<JobDefinition<D, R, C>>) {
  const defaults = { version: 1 as const, classify: classifyJobFailure, waitsOutInfrastructure: true };
  return { ...defaults, ...def } satisfies JobDefinition<D, R, C>;
}

const transcode = {
  queue: QueueName.transcode,
  data: TranscodeJobDataSchema,
  result: TranscodeJobResultSchema,
  options: mediaRetry,
};
export const transcodeImageJob = defineJob({ ...transcode, name: JobName.transcodeImage });
export const transcodeVideoJob = defineJob({ ...transcode, name: JobName.transcodeVideo });
/** The scrub-preview sprite + WebVTT: a child of the video flow beside the rungs (docs/adr/0017). */
export const storyboardVideoJob = defineJob({ ...transcode, name: JobName.storyboardVideo });

/** Bulk "eager presets only" (docs/adr/0027): one image's presets into the /img cache, no flow. */
export const renderPresetsJob = defineJob({
  queue: QueueName.transcode,
  name: JobName.renderPresets,
  data: RenderPresetsJobDataSchema,
  result: RenderPresetsJobResultSchema,
  options: mediaRetry,
});

export const finalizeMediaJob = defineJob({
  queue: QueueName.db,
  name: JobName.finalizeMedia,
  data: MediaStepJobDataSchema,
  result: FinalizeJobResultSchema,
  options: mediaRetry,
});

export const notifyMediaJob = defineJob({
  queue: QueueName.email,
  name: JobName.notifyMedia,
  data: MediaStepJobDataSchema,
  result: NotifyJobResultSchema,
  options: mediaRetry,
});

export const sendAccountEmailJob = defineJob({
  queue: QueueName.email,
  name: JobName.sendAccountEmail,
  data: AccountEmailJobDataSchema,
  result: AccountEmailJobResultSchema,
  options: mediaRetry,
});

export const deliverWebhookJob = defineJob({
  queue: QueueName.webhooks,
  name: JobName.deliverWebhook,
  data: WebhookJobDataSchema,
  result: z.object({ status: z.enum(['SUCCEEDED', 'SKIPPED']), statusCode: z.number().int().optional() }),
  // The receiver's outage is not ours: its ~23 h budget stays. Our own (Postgres) is waited out.
  options: (config: WebhookRetryConfig) => retry(config.WEBHOOK_ATTEMPTS, config.WEBHOOK_BACKOFF_MS),
});

export const sweepStuckMediaJob = defineJob({
  queue: QueueName.maintenance,
  name: JobName.sweepStuckMedia,
  data: z.object({}).loose(),
  result: z.object({ requeued: z.array(z.string()), expiredIdempotencyKeys: z.number().int() }).loose(),
  // The next tick runs it again: nothing to wait out.
  options: (): JobsOptions => ({ removeOnComplete: 50, removeOnFail: 50 }),
  waitsOutInfrastructure: false,
});

/**
 * A job to add: the payload validated, the definition's options plus these (its deterministic jobId).
 * The active trace context rides along as `traceparent`/`tracestate` beside the payload (nothing when
 * tracing is off): the job's span is its child, on every attempt, since the data outlives retries.
 */
export function jobOf<D, C>(def: JobDefinition<D, unknown, C>, config: C, data: D, opts: JobsOptions) {
  return {
    name: def.name,
    queueName: def.queue,
    data: { ...def.data.parse(data), ...currentTraceCarrier() },
    opts: { ...def.options(config), ...opts },
  };
}

/** The last attempt BullMQ will make (an infrastructure wait does not count attempts: ADR 0013). */
export function isLastAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

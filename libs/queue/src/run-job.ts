import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Config } from '@fjord/config';
import { contextFromCarrier, SpanKind, withLogFields, withSpan } from '@fjord/observability';
import { isLastAttempt, type JobDefinition } from './job-definitions';
import { classifyJobFailure, isDiskFullFailure, type JobFailure } from './job-failure';
import { recordJobAttempt } from './job-metrics';
import { isJobLockLostError } from './job-lock-fence';
import { appendJobLog } from './job-log';
import type { QueueLogger } from './logger';

export type JobProcessor<R = unknown> = (job: Job) => Promise<R>;

/** A definition with its processor: typed data in, typed result out (built with `handleJob`). */
export type JobHandler = {
  definition: JobDefinition<never, unknown, never>;
  process(data: unknown, job: Job): Promise<unknown>;
  /** Once, when the job has failed for good (e.g. to announce a failed variant). */
  onFailedForGood?(data: unknown, failure: JobFailure): Promise<void>;
};

export function handleJob<D, R>(
  definition: JobDefinition<D, R, never>,
  process: (data: D, job: Job) => Promise<R>,
  hooks: { onFailedForGood?: (data: D, failure: JobFailure) => Promise<void> } = {},
): JobHandler {
  return { definition, process, ...hooks } as JobHandler;
}

export type RetryConfig = Pick<Config, 'JOB_BACKOFF_MS' | 'JOB_INFRA_MAX_DELAY_MS' | 'JOB_INFRA_HORIZON_MS'>;

/** Doubling from JOB_BACKOFF_MS per wait (a wait is a start that made no attempt), capped. */
export function infrastructureDelayMs(
  job: Pick<Job, 'attemptsStarted' | 'attemptsMade'>,
  config: RetryConfig,
): number {
  const waits = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
  return Math.min(config.JOB_INFRA_MAX_DELAY_MS, config.JOB_BACKOFF_MS * 2 ** Math.min(waits, 30));
}

/**
 * Parses, dispatches on the definition, classifies and records, for every job of a worker (a bare
 * processor function is called as it is). An input
 * failure fails now with its human reason as the failedReason (what finalize shows the uploader); an
 * unknown one takes BullMQ's retries, then fails with a general sentence; an infrastructure fault on the
 * last attempt is put back as delayed (moveToDelayed + DelayedError: no attempt is counted) until the
 * dependency is back. Internal text goes to the logs, the job's log and its stack only.
 */
export function createJobRunner(deps: {
  processor: JobHandler | JobHandler[] | JobProcessor;
  queueName: string;
  config: RetryConfig;
  logger: QueueLogger;
}) {
  const { config, logger } = deps;
  const handlers =
    typeof deps.processor === 'function'
      ? undefined
      : new Map([deps.processor].flat().map((h) => [h.definition.name as string, h]));

  async function settle(job: Job, token: string | undefined, err: unknown, handler: JobHandler) {
    const { definition } = handler;
    const failure = definition.classify(err);
    const entry = { err, queue: deps.queueName, jobId: job.id, mediaId: mediaIdOf(job), kind: failure.kind };
    const isWaitedOut = isLastAttempt(job) || isDiskFullFailure(err);
    if (failure.kind === 'infrastructure' && isWaitedOut && definition.waitsOutInfrastructure) {
      const delay = infrastructureDelayMs(job, config);
      const isPastHorizon = Date.now() - job.timestamp > config.JOB_INFRA_HORIZON_MS;
      await appendJobLog(
        job,
        `infrastructure fault, retrying in ${delay} ms: ${failure.detail.split('\n')[0]}`,
      );
      if (isPastHorizon) logger.error(entry, 'infrastructure fault past the horizon; the job keeps waiting');
      else logger.warn({ ...entry, delay }, 'infrastructure fault; the job waits and retries');
      recordJobAttempt(deps.queueName, job, { outcome: 'retry', reason: failure.kind });
      await job.moveToDelayed(Date.now() + delay, token);
      return new DelayedError();
    }
    if (failure.kind !== 'input' && !isLastAttempt(job)) {
      recordJobAttempt(deps.queueName, job, { outcome: 'retry', reason: failure.kind });
      return err;
    }
    recordJobAttempt(deps.queueName, job, { outcome: 'failed', reason: failure.kind });
    await appendJobLog(job, `failed for good (${failure.kind}): ${failure.detail.split('\n')[0]}`);
    await handler.onFailedForGood?.(definition.data.parse(job.data), failure).catch(() => undefined);
    // The reason is for people; the stack keeps the internal text for the admin console.
    const final = new UnrecoverableError(failure.message);
    final.stack = `${final.name}: ${failure.message}\ncaused by ${failure.detail}`;
    return final;
  }

  /** A bare processor function: BullMQ's retries as they are, counted with the general classification. */
  async function runBare(job: Job): Promise<unknown> {
    try {
      const result = await (deps.processor as JobProcessor)(job);
      recordJobAttempt(deps.queueName, job, { outcome: 'completed' });
      return result;
    } catch (err) {
      const reason = classifyJobFailure(err).kind;
      const isFinal = isLastAttempt(job) || (err as Error | undefined)?.name === 'UnrecoverableError';
      recordJobAttempt(deps.queueName, job, { outcome: isFinal ? 'failed' : 'retry', reason });
      throw err;
    }
  }

  /**
   * Each attempt is one span, a child of the context the job was added in (`traceparent` in its data);
   * every log line inside carries the job's jobId and mediaId.
   */
  return function runJob(job: Job, token?: string): Promise<unknown> {
    const mediaId = mediaIdOf(job);
    return withLogFields({ jobId: job.id, mediaId }, () =>
      withSpan(
        `${deps.queueName} ${job.name}`,
        {
          kind: SpanKind.CONSUMER,
          parent: contextFromCarrier(job.data),
          attributes: {
            'messaging.system': 'bullmq',
            'messaging.operation.type': 'process',
            'messaging.destination.name': deps.queueName,
            'messaging.message.id': job.id ?? '',
            'fjord.job.name': job.name,
            'fjord.job.attempt': job.attemptsMade + 1,
            ...(mediaId ? { 'fjord.media.id': mediaId } : {}),
          },
        },
        () => runAttempt(job, token),
      ),
    );
  };

  async function runAttempt(job: Job, token?: string): Promise<unknown> {
    if (!handlers) return runBare(job);
    const handler = handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}" on queue ${deps.queueName}`);
    const { definition } = handler;
    try {
      const result = definition.result.parse(await handler.process(definition.data.parse(job.data), job));
      recordJobAttempt(deps.queueName, job, { outcome: 'completed' });
      return result;
    } catch (err) {
      // Another worker owns the job now: nothing to classify, record or announce for this attempt.
      if (isJobLockLostError(err)) {
        recordJobAttempt(deps.queueName, job, { outcome: 'lost' });
        logger.warn({ queue: deps.queueName, jobId: job.id, mediaId: mediaIdOf(job) }, err.message);
        throw err;
      }
      throw await settle(job, token, err, handler);
    }
  }
}

export function mediaIdOf(job: Job | undefined): string | undefined {
  const data = job?.data as { mediaId?: unknown } | undefined;
  return typeof data?.mediaId === 'string' ? data.mediaId : undefined;
}

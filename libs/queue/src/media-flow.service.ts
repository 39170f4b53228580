import { FlowProducer, type JobsOptions } from 'bullmq';
import type { Config } from '@fjord/config';
import {
  FinalizeJobDataSchema,
  JobName,
  NotifyJobDataSchema,
  QueueName,
  TranscodeJobDataSchema,
  findImageVariant,
  findVideoVariant,
  mediaJobId,
  transcodeJobNameFor,
  type MediaKindName,
} from './contracts';
import { createConnectionErrorLog, stderrLogger } from './connection-error-log';
import type { QueueLogger } from './logger';
import { getMediaFlowState } from './media-flow-state';
import type { Queues } from './queues';

export type EnqueueMediaFlowInput = {
  mediaId: string;
  /** Defaults to IMAGE. */
  kind?: MediaKindName;
  variants: string[];
  requestId?: string;
  /** Processing run: renditions go under run-specific keys (reprocess), see TranscodeJobData.run. */
  run?: string;
};
export type EnqueueMediaFlowResult = { enqueued: boolean };

export type MediaFlowEnqueuer = {
  enqueueMediaFlow(input: EnqueueMediaFlowInput): Promise<EnqueueMediaFlowResult>;
  close(): Promise<void>;
};

type FlowConfig = Pick<Config, 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS' | 'QUEUE_PREFIX'>;

/** Retries and bounded retention shared by every job of a flow (Redis must not grow without limit). */
export function mediaJobOptions(config: FlowConfig, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: config.JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.JOB_BACKOFF_MS },
    removeOnComplete: { age: 24 * 3600, count: 1_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
  };
}

/**
 * notify(email) ← finalize(db) ← transcode × variants. Children that fail for good are moved to the
 * parent's ignored failures instead of blocking it (docs/adr/0002-flow-failure-policy.md): finalize
 * then records FAILED with the child's reason, and a finalize that fails for good still reaches notify.
 */
export function createMediaFlowEnqueuer(deps: {
  config: FlowConfig;
  queues: Queues;
  logger?: QueueLogger;
}): MediaFlowEnqueuer {
  const { config, queues } = deps;
  const producer = new FlowProducer({ connection: queues.connection, prefix: config.QUEUE_PREFIX });
  const errors = createConnectionErrorLog(deps.logger ?? stderrLogger, { role: 'flow-producer' });
  producer.on('error', errors.onError);

  async function enqueueMediaFlow(input: EnqueueMediaFlowInput): Promise<EnqueueMediaFlowResult> {
    const { mediaId, requestId } = input;
    if (input.variants.length === 0) throw new Error(`Media ${mediaId}: a flow needs at least one variant`);
    const kind = input.kind ?? 'IMAGE';
    const find = kind === 'VIDEO' ? findVideoVariant : findImageVariant;
    for (const name of input.variants) {
      if (!find(name)) throw new Error(`Media ${mediaId}: unknown ${kind.toLowerCase()} variant "${name}"`);
    }
    // BullMQ would skip existing ids anyway; checking the root first keeps a re-enqueue from touching
    // children of a flow that is half done (or finished and still retained: its remover re-adds).
    if ((await getMediaFlowState(queues, mediaId)) !== 'missing') return { enqueued: false };
    const notifyId = mediaJobId(mediaId, 'notify');

    const base = { v: 1 as const, mediaId, ...(requestId ? { requestId } : {}) };
    await producer.add({
      name: JobName.notifyMedia,
      queueName: QueueName.email,
      data: NotifyJobDataSchema.parse(base),
      opts: mediaJobOptions(config, notifyId),
      children: [
        {
          name: JobName.finalizeMedia,
          queueName: QueueName.db,
          data: FinalizeJobDataSchema.parse(base),
          opts: {
            ...mediaJobOptions(config, mediaJobId(mediaId, 'finalize')),
            ignoreDependencyOnFailure: true,
          },
          children: input.variants.map((variant) => ({
            name: transcodeJobNameFor(kind),
            queueName: QueueName.transcode,
            data: TranscodeJobDataSchema.parse({
              ...base,
              variant,
              ...(input.run ? { run: input.run } : {}),
            }),
            opts: {
              ...mediaJobOptions(config, mediaJobId(mediaId, 'transcode', variant)),
              ignoreDependencyOnFailure: true,
            },
          })),
        },
      ],
    });
    return { enqueued: true };
  }

  return { enqueueMediaFlow, close: () => producer.close() };
}

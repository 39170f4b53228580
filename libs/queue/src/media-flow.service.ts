import { FlowProducer } from 'bullmq';
import type { Config } from '@fjord/config';
import { continuingTrace, SpanKind, withSpan } from '@fjord/observability';
import { findImageVariant, findVideoVariant, mediaJobId, type MediaKindName } from './contracts';
import {
  finalizeMediaJob,
  jobOf,
  notifyMediaJob,
  storyboardVideoJob,
  transcodeImageJob,
  transcodeVideoJob,
} from './job-definitions';
import { createConnectionErrorLog, stderrLogger } from './connection-error-log';
import type { QueueLogger } from './logger';
import { mediaFlowExists } from './media-flow-state';
import type { Queues } from './queues';

export type EnqueueMediaFlowInput = {
  mediaId: string;
  /** Defaults to IMAGE. */
  kind?: MediaKindName;
  variants: string[];
  requestId?: string;
  /**
   * The media's processing run (`Media.run`, written by the guarded update that started this flow): every
   * job carries it, renditions go under its keys, and a job of an older run changes nothing (ADR 0015).
   */
  run: number;
  /**
   * BullMQ priority of every job of the flow (1 = first; docs/adr/0021): the owner's rank by media in
   * flight (`fairPriority`), so one user's burst queues behind everyone else's next upload. Default 1.
   */
  priority?: number;
  /**
   * The upload's trace context as the media row keeps it (`Media.traceparent`/`tracestate`): a re-drive
   * or reprocess enqueues in that trace, linked to the span that re-drove it (docs/adr/0022).
   */
  trace?: { traceparent?: string | null; tracestate?: string | null };
};
export type EnqueueMediaFlowResult = { enqueued: boolean };

/** BullMQ's highest usable priority number (2^21 − 1); lower runs first and 0 would skip the ordering. */
export const MAX_PRIORITY = 2_097_151;

/** A flow's priority from the owner's media in flight, this one included (≥ 1): 1 runs first. */
export function fairPriority(inFlight: number | undefined): number {
  if (inFlight === undefined || !Number.isFinite(inFlight)) return 1;
  return Math.min(MAX_PRIORITY, Math.max(1, Math.floor(inFlight)));
}

export type MediaFlowEnqueuer = {
  enqueueMediaFlow(input: EnqueueMediaFlowInput): Promise<EnqueueMediaFlowResult>;
  close(): Promise<void>;
};

type FlowConfig = Pick<
  Config,
  'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS' | 'QUEUE_PREFIX' | 'IMAGE_EAGER_PRESETS' | 'imagePresets'
>;

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
    if (await mediaFlowExists(queues, mediaId)) return { enqueued: false };
    const notifyId = mediaJobId(mediaId, 'notify');

    const base = { v: 1 as const, mediaId, run: input.run, ...(requestId ? { requestId } : {}) };
    const jobFor = (variant: string) => {
      if (kind !== 'VIDEO') return transcodeImageJob;
      return findVideoVariant(variant)?.kind === 'storyboard' ? storyboardVideoJob : transcodeVideoJob;
    };
    // The eager presets ride on the first variant's job: one job warms the cache, no extra child for
    // finalize to count, and a reprocess (a new run, so new cache keys) renders them again.
    const eagerPresets = config.IMAGE_EAGER_PRESETS.map((name) => ({
      name,
      options: config.imagePresets[name] ?? '',
    }));
    const dataFor = (variant: string, index: number) =>
      kind === 'IMAGE' && index === 0 && eagerPresets.length > 0
        ? { ...base, variant, eagerPresets }
        : { ...base, variant };
    // Every job of the flow, children and parents (which BullMQ moves to `prioritized` when their
    // children are done) carries the same priority: no stage of a burst overtakes another user's upload.
    const priority = fairPriority(input.priority);
    const child = { ignoreDependencyOnFailure: true, priority };
    // Every job of the flow carries this span's context: the transcodes, finalize and notify are its children.
    const attributes = { 'messaging.system': 'bullmq', 'fjord.media.id': mediaId, 'fjord.media.kind': kind };
    const spanOpts = { kind: SpanKind.PRODUCER, attributes, ...continuingTrace(input.trace ?? {}) };
    await withSpan('enqueue media flow', spanOpts, () =>
      producer.add({
        ...jobOf(notifyMediaJob, config, base, { jobId: notifyId, priority }),
        children: [
          {
            ...jobOf(finalizeMediaJob, config, base, { jobId: mediaJobId(mediaId, 'finalize'), ...child }),
            children: input.variants.map((variant, index) =>
              jobOf(jobFor(variant), config, dataFor(variant, index), {
                jobId: mediaJobId(mediaId, 'transcode', variant),
                ...child,
              }),
            ),
          },
        ],
      }),
    );
    return { enqueued: true };
  }

  return { enqueueMediaFlow, close: () => producer.close() };
}

import { getMetrics } from '@fjord/observability';
import {
  findImageVariant,
  findVideoVariant,
  type NotifyJobResult,
  type TranscodeJobData,
  type TranscodeJobResult,
} from './contracts';
import type { JobHandler } from './run-job';

type Hooks = {
  completed?(data: unknown, result: unknown, seconds: number): void;
  failed?(data: unknown, err: unknown, seconds: number): void;
};

/**
 * A handler with what its app counts beside the generic job metrics (run-job.ts), wrapped at the app's
 * entrypoint so processors stay free of metrics code. A hook never fails the job.
 */
export function observeJob(handler: JobHandler, hooks: Hooks): JobHandler {
  return {
    ...handler,
    async process(data, job) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const result = await handler.process(data, job);
        try {
          hooks.completed?.(data, result, seconds());
        } catch {
          // A metric must not fail a finished job; the generic counters still saw it complete.
        }
        return result;
      } catch (err) {
        try {
          hooks.failed?.(data, err, seconds());
        } catch {
          // As above: the job's own error is what matters.
        }
        throw err;
      }
    },
  };
}

/** A variant name as a label: only the ladder's own names (bounded), anything else as `unknown`. */
function variantLabel(data: unknown): string {
  const name = (data as Partial<TranscodeJobData> | undefined)?.variant ?? '';
  return findImageVariant(name) || findVideoVariant(name) ? name : 'unknown';
}

/**
 * Transcode: seconds per variant by outcome, rendition bytes out and original bytes in (`sourceBytes`
 * looks the original's size up by media id — the processors read it by path, not through a counter).
 */
export function observeTranscodeJob(
  handler: JobHandler,
  deps: { sourceBytes(mediaId: string): Promise<number | null> },
): JobHandler {
  const m = getMetrics();
  return observeJob(handler, {
    completed(data, result, seconds) {
      const variant = variantLabel(data);
      const r = result as TranscodeJobResult;
      m.transcodeEncode.observe({ variant, outcome: r.skipped ? 'skipped' : 'completed' }, seconds);
      if (r.skipped) return;
      m.transcodeOutputBytes.inc({ variant }, r.bytes);
      void deps
        .sourceBytes((data as TranscodeJobData).mediaId)
        .then((bytes) => bytes !== null && m.transcodeInputBytes.inc({ variant }, bytes))
        .catch(() => undefined);
    },
    failed(data, _err, seconds) {
      m.transcodeEncode.observe({ variant: variantLabel(data), outcome: 'failed' }, seconds);
    },
  });
}

/** Notification emails: sent, duplicate (the outbox row says an earlier attempt sent it), failed attempts. */
export function observeNotifyJob(handler: JobHandler): JobHandler {
  const { emails } = getMetrics();
  return observeJob(handler, {
    completed: (_data, result) =>
      emails.inc({ outcome: (result as NotifyJobResult).sent ? 'sent' : 'duplicate' }),
    failed: () => emails.inc({ outcome: 'failed' }),
  });
}

/** Webhook delivery attempts: succeeded, skipped (endpoint gone or disabled), failed. */
export function observeWebhookJob(handler: JobHandler): JobHandler {
  const { webhookDeliveries } = getMetrics();
  return observeJob(handler, {
    completed: (_data, result) =>
      webhookDeliveries.inc({
        outcome: (result as { status: string }).status === 'SKIPPED' ? 'skipped' : 'succeeded',
      }),
    failed: () => webhookDeliveries.inc({ outcome: 'failed' }),
  });
}

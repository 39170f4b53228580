import { errorChainOf, isInfrastructureError } from '@fjord/errors';

/**
 * The two kinds of failure (docs/adr/0013-media-states-and-failure-kinds.md), decided here and nowhere
 * else. `input`: the job's own fault (a corrupt, unsupported or oversized file, a refused webhook
 * target) — it fails now, and `message` is the sentence a person reads. `infrastructure`: a dependency is
 * down or slow (Postgres, Redis, storage, SMTP, the disk) — it waits and retries until the dependency is
 * back. `unknown`: anything else — the usual retry budget, then failed with a general sentence.
 */
export type JobFailure = {
  kind: 'input' | 'infrastructure' | 'unknown';
  /** For people (media.error, emails, webhooks): never stderr, paths, stacks or driver text. */
  message: string;
  /** For operators (logs, the job's log and stack in the admin console). */
  detail: string;
};

export const GENERAL_FAILURE_MESSAGE = 'Processing could not be completed';

/** BullMQ's own failedReason for a job past maxStalledCount (JOB_MAX_STALLS): never shown as it is. */
export const BULLMQ_STALLED_REASON = 'job stalled more than allowable limit';
export const STALLED_TOO_OFTEN_MESSAGE =
  'Processing was interrupted too many times (the worker stopped under it each time), so it was set ' +
  'aside; reprocess it once the workers are healthy';

/** A failed child's failedReason as a person reads it (finalize): BullMQ's own texts translated. */
export function failedReasonForPeople(reason: string): string {
  return reason.trim() === BULLMQ_STALLED_REASON ? STALLED_TOO_OFTEN_MESSAGE : reason;
}

/** The stack, an AppError's details (ffmpeg's stderr) and the causes: what an operator needs. */
function detailOf(err: unknown, depth = 0): string {
  if (!(err instanceof Error)) return String(err);
  const details = (err as { details?: unknown }).details;
  return [
    err.stack ?? `${err.name}: ${err.message}`,
    ...(details ? [`details: ${JSON.stringify(details)}`] : []),
    ...(err.cause !== undefined && depth < 4 ? [`caused by ${detailOf(err.cause, depth + 1)}`] : []),
  ].join('\n');
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'storage_full']);

/** A full disk: waited out from the first attempt (retrying sooner cannot help, and spends attempts). */
export function isDiskFullFailure(err: unknown): boolean {
  return [...errorChainOf(err)].some((e) => typeof e.code === 'string' && DISK_FULL_CODES.has(e.code));
}

export function classifyJobFailure(err: unknown): JobFailure {
  const detail = detailOf(err);
  const top = [...errorChainOf(err)][0] as
    { name?: unknown; message?: unknown; isPermanent?: unknown } | undefined;
  // The error says so itself: MediaProcessingError, WebhookAttemptError, BullMQ's UnrecoverableError.
  if (top?.isPermanent === true || top?.name === 'UnrecoverableError') {
    const message = typeof top.message === 'string' && top.message ? top.message : GENERAL_FAILURE_MESSAGE;
    return { kind: 'input', message, detail };
  }
  if (top?.name === 'ZodError') return { kind: 'input', message: GENERAL_FAILURE_MESSAGE, detail };
  if (isInfrastructureError(err)) return { kind: 'infrastructure', message: GENERAL_FAILURE_MESSAGE, detail };
  // AppError (MediaProcessingError among them) carries a message meant for people.
  const message =
    top?.name === 'AppError' && typeof top.message === 'string' ? top.message : GENERAL_FAILURE_MESSAGE;
  return { kind: 'unknown', message, detail };
}

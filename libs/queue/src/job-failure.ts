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

/** Node/libuv, undici and nodemailer codes of a network, disk or resource fault; Prisma's P1001 (database
 * unreachable), P1002/P1008 (timed out), P1017 (connection closed), P2024 (pool exhausted); AppError
 * 'storage_full' (a full disk, as a storage driver reports it). */
const INFRASTRUCTURE_CODES = new Set(
  (
    'ECONNREFUSED ECONNRESET ECONNABORTED ETIMEDOUT ESOCKETTIMEDOUT EPIPE ENOTFOUND EAI_AGAIN EHOSTUNREACH ' +
    'EHOSTDOWN ENETUNREACH ENETDOWN ENOSPC EDQUOT EIO EROFS EACCES EPERM EMFILE ENFILE ENOMEM EBUSY EAGAIN ' +
    'UND_ERR_CONNECT_TIMEOUT UND_ERR_SOCKET UND_ERR_HEADERS_TIMEOUT ECONNECTION ESOCKET EDNS ' +
    'P1001 P1002 P1008 P1017 P2024 storage_full'
  ).split(' '),
);
/** Postgres SQLSTATE classes: connection (08), resources such as disk full (53), shutdown (57P). */
const INFRASTRUCTURE_SQLSTATE = /^(08|53|57P)/;
const INFRASTRUCTURE_NAMES =
  /^(TimeoutError|MaxRetriesPerRequestError|RequestTimeout|SlowDown|ServiceUnavailable|InternalError)$/;
const INFRASTRUCTURE_MESSAGES = [/Connection is closed/, /Stream isn't writeable/];

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  isPermanent?: unknown;
  responseCode?: unknown;
  $metadata?: { httpStatusCode?: unknown };
};

/** The error, its causes and an AggregateError's members (a dual-stack connect fails as one). */
function* chainOf(err: unknown, depth = 0): Generator<ErrorLike> {
  if (!err || typeof err !== 'object' || depth > 6) return;
  const e = err as ErrorLike;
  yield e;
  yield* chainOf(e.cause, depth + 1);
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chainOf(inner, depth + 1);
}

function isInfrastructure(e: ErrorLike): boolean {
  if (
    typeof e.code === 'string' &&
    (INFRASTRUCTURE_CODES.has(e.code) || INFRASTRUCTURE_SQLSTATE.test(e.code))
  )
    return true;
  if (typeof e.name === 'string' && INFRASTRUCTURE_NAMES.test(e.name)) return true;
  // SMTP 4xx: the server says "try again later".
  if (typeof e.responseCode === 'number' && e.responseCode >= 400 && e.responseCode < 500) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  return typeof e.message === 'string' && INFRASTRUCTURE_MESSAGES.some((p) => p.test(e.message as string));
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
  return [...chainOf(err)].some((e) => typeof e.code === 'string' && DISK_FULL_CODES.has(e.code));
}

export function classifyJobFailure(err: unknown): JobFailure {
  const detail = detailOf(err);
  const chain = [...chainOf(err)];
  const top = chain[0];
  // The error says so itself: MediaProcessingError, WebhookAttemptError, BullMQ's UnrecoverableError.
  if (top?.isPermanent === true || top?.name === 'UnrecoverableError') {
    const message = typeof top.message === 'string' && top.message ? top.message : GENERAL_FAILURE_MESSAGE;
    return { kind: 'input', message, detail };
  }
  if (top?.name === 'ZodError') return { kind: 'input', message: GENERAL_FAILURE_MESSAGE, detail };
  if (chain.some(isInfrastructure))
    return { kind: 'infrastructure', message: GENERAL_FAILURE_MESSAGE, detail };
  // AppError (MediaProcessingError among them) carries a message meant for people.
  const message =
    top?.name === 'AppError' && typeof top.message === 'string' ? top.message : GENERAL_FAILURE_MESSAGE;
  return { kind: 'unknown', message, detail };
}

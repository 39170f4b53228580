import { AppError } from './app-error';

/**
 * Node/libuv, undici and nodemailer codes of a network, disk or resource fault; Prisma's P1001 (database
 * unreachable), P1002/P1008 (timed out), P1017 (connection closed), P2024 (pool exhausted); AppError
 * 'storage_full' (a full disk, as a storage driver reports it) and 'unavailable'.
 */
const INFRASTRUCTURE_CODES = new Set(
  (
    'ECONNREFUSED ECONNRESET ECONNABORTED ETIMEDOUT ESOCKETTIMEDOUT EPIPE ENOTFOUND EAI_AGAIN EHOSTUNREACH ' +
    'EHOSTDOWN ENETUNREACH ENETDOWN ENOSPC EDQUOT EIO EROFS EACCES EPERM EMFILE ENFILE ENOMEM EBUSY EAGAIN ' +
    'UND_ERR_CONNECT_TIMEOUT UND_ERR_SOCKET UND_ERR_HEADERS_TIMEOUT ECONNECTION ESOCKET EDNS ' +
    'P1001 P1002 P1008 P1017 P2024 storage_full unavailable'
  ).split(' '),
);
/** Postgres SQLSTATE classes: connection (08), resources such as disk full (53), shutdown (57P). */
const INFRASTRUCTURE_SQLSTATE = /^(08|53|57P)/;
/** AWS SDK names of S3's 5xx and throttling answers, and timeouts. */
const INFRASTRUCTURE_NAMES =
  /^(TimeoutError|MaxRetriesPerRequestError|RequestTimeout|RequestTimeTooSkewed|SlowDown|ServiceUnavailable|InternalError|InternalServerError|Throttling|ThrottlingException|TooManyRequestsException)$/;
/**
 * Prisma's driver-adapter error kinds that mean "the database is not there" (Prisma 7 wraps them in
 * P2010 for raw queries, so the code alone does not tell).
 */
const INFRASTRUCTURE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
/** Errors with no code: node-postgres (a connection dropped or never made), ioredis, BullMQ. */
const INFRASTRUCTURE_MESSAGES = [
  /Connection is closed/,
  /Stream isn't writeable/,
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error/,
  /^Redis did not become ready/,
];

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  responseCode?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
  $metadata?: { httpStatusCode?: unknown };
};

/** The error, its causes, a Prisma error's driver-adapter cause and an AggregateError's members. */
export function* errorChainOf(err: unknown, depth = 0): Generator<ErrorLike> {
  if (!err || typeof err !== 'object' || depth > 6) return;
  const e = err as ErrorLike;
  yield e;
  yield* errorChainOf(e.cause, depth + 1);
  yield* errorChainOf(e.meta?.driverAdapterError?.cause, depth + 1);
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* errorChainOf(inner, depth + 1);
}

function isInfrastructureLink(e: ErrorLike): boolean {
  for (const code of [e.code, e.originalCode])
    if (typeof code === 'string' && (INFRASTRUCTURE_CODES.has(code) || INFRASTRUCTURE_SQLSTATE.test(code)))
      return true;
  if (typeof e.kind === 'string' && INFRASTRUCTURE_ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.name === 'string' && INFRASTRUCTURE_NAMES.test(e.name)) return true;
  // SMTP 4xx: the server says "try again later".
  if (typeof e.responseCode === 'number' && e.responseCode >= 400 && e.responseCode < 500) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  return typeof e.message === 'string' && INFRASTRUCTURE_MESSAGES.some((p) => p.test(e.message as string));
}

/**
 * True when `err` (or anything in its chain) says a dependency is down, slow or full — Postgres, Redis,
 * S3, SMTP, the disk — rather than that the request or the file is wrong. Jobs wait these out; HTTP
 * answers 503 (or 507 for a full disk) with Retry-After. The one list, used by both.
 */
export function isInfrastructureError(err: unknown): boolean {
  return [...errorChainOf(err)].some(isInfrastructureLink);
}

export const UNAVAILABLE_MESSAGE =
  'Fjord cannot reach one of its services right now, so nothing was stored. Please try again in a moment.';

/** What HTTP handlers answer for an infrastructure fault: 503 `unavailable`, retry after a few seconds. */
export function unavailableError(cause?: unknown): AppError {
  const err = new AppError('unavailable', UNAVAILABLE_MESSAGE, { retryAfterSeconds: 5 });
  if (cause !== undefined) err.cause = cause;
  return err;
}

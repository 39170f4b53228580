import {
  AppError,
  httpStatusForCode,
  isAppError,
  isInfrastructureError,
  unavailableError,
  type AppErrorCode,
} from '@fjord/errors';
import type { Logger } from '@fjord/observability';

/** The one mapping from errors to REST responses: `{ error: { code, message } }` with a fitting status. */
export function toErrorResponse(err: unknown, logger?: Pick<Logger, 'error'>): Response {
  if (isAppError(err)) return appErrorResponse(err);
  // Postgres, Redis or S3 away: the client should come back, not report a bug (docs/reliability.md).
  if (isInfrastructureError(err)) {
    logger?.error({ err }, 'a dependency is unavailable; answered 503');
    return appErrorResponse(unavailableError());
  }
  logger?.error({ err }, 'unhandled error in a route handler');
  return jsonError('internal', 'Something went wrong on our side. Please try again.');
}

function appErrorResponse(err: AppError): Response {
  const retryAfter = err.details?.['retryAfterSeconds'];
  const headers =
    err.code === 'unavailable' && typeof retryAfter === 'number'
      ? { 'Retry-After': String(retryAfter) }
      : undefined;
  return jsonError(err.code, err.message, headers, err.details);
}

export function jsonError(
  code: AppErrorCode,
  message: string,
  headers?: HeadersInit,
  details?: Record<string, unknown>,
): Response {
  const error = details ? { code, message, details } : { code, message };
  const res = Response.json({ error }, { status: httpStatusForCode(code), headers });
  res.headers.set('Cache-Control', 'no-store');
  return res;
}

export function unauthorized(message = 'Send an API key as "Authorization: Bearer <key>".'): AppError {
  return new AppError('unauthorized', message);
}

/** The one answer for a media that is missing or someone else's: which of the two never leaks. */
export const mediaNotFound = () =>
  new AppError('not_found', 'This media does not exist or you do not have access to it.');

import { TRPCError } from '@trpc/server';
import type { AppErrorCode } from '@fjord/errors';
import { AppError, isAppError, isInfrastructureError, unavailableError } from '@fjord/errors';

type TRPCCode = TRPCError['code'];

const trpcCodeByAppCode: Record<AppErrorCode, TRPCCode> = {
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  bad_request: 'BAD_REQUEST',
  unsupported_type: 'BAD_REQUEST',
  too_large: 'PAYLOAD_TOO_LARGE',
  digest_mismatch: 'BAD_REQUEST',
  conflict: 'CONFLICT',
  unprocessable: 'UNPROCESSABLE_CONTENT',
  rate_limited: 'TOO_MANY_REQUESTS',
  internal: 'INTERNAL_SERVER_ERROR',
  // tRPC has no 507; the web handler sets it from the appCode (trpc-handler.ts responseMeta).
  storage_full: 'SERVICE_UNAVAILABLE',
  unavailable: 'SERVICE_UNAVAILABLE',
  quota_exceeded: 'PAYLOAD_TOO_LARGE',
  daily_quota_exceeded: 'TOO_MANY_REQUESTS',
};

/** The one place an AppError becomes a TRPCError; the stable code rides along as the cause. */
export function toTRPCError(err: AppError): TRPCError {
  return new TRPCError({ code: trpcCodeByAppCode[err.code], message: err.message, cause: err });
}

/**
 * Response headers an AppError carries: Retry-After (seconds) for rate_limited and unavailable. Set on the tRPC response
 * headers, which the HTTP adapter sends with the error.
 */
export function applyAppErrorHeaders(err: AppError, resHeaders: Headers): void {
  const retryAfter = err.details?.['retryAfterSeconds'];
  const isRetryable = err.code === 'rate_limited' || err.code === 'unavailable';
  if (isRetryable && typeof retryAfter === 'number' && retryAfter > 0) {
    resHeaders.set('Retry-After', String(Math.ceil(retryAfter)));
  }
}

/**
 * The AppError a procedure's failure stands for: its own, or `unavailable` (503 + Retry-After) when
 * Postgres, Redis or S3 is away — the client should come back, not report a bug. Else undefined.
 */
export function appErrorOf(err: unknown): AppError | undefined {
  if (isAppError(err)) return err;
  return isInfrastructureError(err) ? unavailableError(err) : undefined;
}

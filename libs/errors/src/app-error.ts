/**
 * The one error type services throw. `code` is stable (clients switch on it); `message` is for people.
 * Routers and HTTP handlers map it to a status in exactly one place (see httpStatusForCode).
 */
export const AppErrorCode = {
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  bad_request: 'bad_request',
  unsupported_type: 'unsupported_type',
  too_large: 'too_large',
  /** The body does not hash to its Content-Digest: damaged in transit; send it again. */
  digest_mismatch: 'digest_mismatch',
  conflict: 'conflict',
  /** Well-formed but contradicts an earlier request (e.g. an Idempotency-Key reused with another body). */
  unprocessable: 'unprocessable',
  rate_limited: 'rate_limited',
  internal: 'internal',
  /** The server has no room left to store the file (disk or quota full); nothing was kept. Retry later. */
  storage_full: 'storage_full',
  /** A dependency (Postgres, Redis, object storage) is down or slow; nothing was done. Retry later. */
  unavailable: 'unavailable',
  /** The upload would take the user past their storage quota (docs/adr/0021); nothing was kept. */
  quota_exceeded: 'quota_exceeded',
  /** The user's uploads or video minutes for today are used up (docs/adr/0021); try again tomorrow (UTC). */
  daily_quota_exceeded: 'daily_quota_exceeded',
} as const;
export type AppErrorCode = (typeof AppErrorCode)[keyof typeof AppErrorCode];

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const statusByCode: Record<AppErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  bad_request: 400,
  unsupported_type: 400,
  too_large: 413,
  digest_mismatch: 400,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  storage_full: 507,
  unavailable: 503,
  quota_exceeded: 413,
  daily_quota_exceeded: 429,
};

export function httpStatusForCode(code: AppErrorCode): number {
  return statusByCode[code];
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

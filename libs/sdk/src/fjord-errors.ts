/**
 * A non-2xx answer: `code` is the API's stable error code, `status` the HTTP status. Quotas (ADR 0021):
 * 413 `quota_exceeded` (the upload does not fit the storage quota), 429 `daily_quota_exceeded` (today's
 * uploads or video minutes are used up; `isQuotaError` tells both apart from a transient failure).
 */
export class FjordApiError extends Error {
  override readonly name = 'FjordApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** True for a quota refusal (ADR 0021): retrying the same upload will not help until room is made or a day passes. */
export function isQuotaError(err: unknown): err is FjordApiError {
  return (
    err instanceof FjordApiError && (err.code === 'quota_exceeded' || err.code === 'daily_quota_exceeded')
  );
}

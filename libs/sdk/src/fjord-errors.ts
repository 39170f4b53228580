/** A non-2xx answer: `code` is the API's stable error code, `status` the HTTP status. */
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

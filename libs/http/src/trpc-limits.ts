/** tRPC carries JSON only (files take /api/uploads or tus), so its bodies are small. */
export const TRPC_MAX_BODY_BYTES = 1024 * 1024;
/** Calls in one batched request; the browser's httpBatchLink is set to the same (maxItems). */
export const TRPC_MAX_BATCH_CALLS = 10;
/** Procedures that are never batched: each call costs a password hash, so one request is one attempt. */
export const TRPC_UNBATCHED_PREFIX = 'auth.';

export type TrpcBatchVerdict = { ok: true; paths: string[] } | { ok: false; status: 400; message: string };

/** The procedure paths one request names (`/api/trpc/a,b?batch=1`), checked against the batch rules. */
export function checkTrpcBatch(url: URL, endpoint: string): TrpcBatchVerdict {
  const raw = url.pathname.startsWith(`${endpoint}/`) ? url.pathname.slice(endpoint.length + 1) : '';
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return { ok: false, status: 400, message: 'The procedure path is not valid URL encoding.' };
  }
  // Without batch=1 tRPC reads the whole path as one procedure name; count it the same way.
  const paths = url.searchParams.get('batch') === '1' ? path.split(',') : [path];
  if (paths.length > TRPC_MAX_BATCH_CALLS) {
    return {
      ok: false,
      status: 400,
      message: `A batch may carry at most ${TRPC_MAX_BATCH_CALLS} calls; this one has ${paths.length}.`,
    };
  }
  if (paths.length > 1 && paths.some((p) => p.startsWith(TRPC_UNBATCHED_PREFIX))) {
    return { ok: false, status: 400, message: 'Sign-in, sign-up and sign-out calls cannot be batched.' };
  }
  return { ok: true, paths };
}

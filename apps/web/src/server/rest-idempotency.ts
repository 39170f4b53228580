import { createHash } from 'node:crypto';
import { hashRequestParts, type IdempotencyStore } from '@fjord/api';
import { isAppError } from '@fjord/errors';
import { toErrorResponse } from './http-error';

const REPLAYED_HEADERS = ['content-type', 'location', 'cache-control'];

/** What a multipart body means, independent of its random boundary: each field, files by content hash. */
export async function formDataParts(form: FormData): Promise<[string, string][]> {
  const parts: [string, string][] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') parts.push([name, value]);
    else {
      const digest = createHash('sha256')
        .update(new Uint8Array(await value.arrayBuffer()))
        .digest('hex');
      parts.push([name, `file:${value.name}:${value.type}:${value.size}:${digest}`]);
    }
  }
  return parts;
}

/**
 * Runs `run` at most once per (API key, Idempotency-Key): a repeat gets the stored first response
 * (with `Idempotency-Replayed: true`), a different body 422, a concurrent duplicate 409. Client errors
 * are stored like successes (as Stripe does); a server-side failure frees the key for a retry.
 */
export async function withIdempotency(
  opts: { store: IdempotencyStore; req: Request; apiKeyId: string; parts: [string, string][] },
  run: () => Promise<Response>,
): Promise<Response> {
  const key = opts.req.headers.get('idempotency-key');
  if (key === null) return run();
  const requestHash = hashRequestParts(opts.req.method, new URL(opts.req.url).pathname, opts.parts);
  const started = await opts.store.begin({ apiKeyId: opts.apiKeyId, key, requestHash });
  if (started.kind === 'replay') {
    const { status, body, headers } = started.response;
    return new Response(body, { status, headers: { ...headers, 'Idempotency-Replayed': 'true' } });
  }
  let res: Response;
  try {
    res = await run();
  } catch (err) {
    if (!isAppError(err) || err.code === 'internal') {
      await started.release();
      throw err;
    }
    res = toErrorResponse(err);
  }
  if (res.status >= 500) {
    await started.release();
    return res;
  }
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  await started.complete({ status: res.status, body: await res.clone().text(), headers });
  return res;
}

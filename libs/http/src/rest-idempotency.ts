import { hashRequestParts, type IdempotencyStore } from '@fjord/api';
import { AppError, isAppError } from '@fjord/errors';
import { toErrorResponse } from './http-error';

const REPLAYED_HEADERS = ['content-type', 'location', 'cache-control'];

const MAX_SMALL_BODY_BYTES = 16 * 1024;

/** The body of a POST that needs none (reprocess, redeliver), as idempotency parts: it still counts. */
export async function smallBodyParts(req: Request): Promise<[string, string][]> {
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_SMALL_BODY_BYTES) {
    throw new AppError('too_large', 'This request takes no body; send at most 16 KB.');
  }
  return text === '' ? [] : [['body', text]];
}

/** What a JSON body means, independent of key order and whitespace. */
export function jsonParts(value: unknown): [string, string][] {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return [['json', JSON.stringify(canonical(value)) ?? '']];
}

type IdempotentBody = NonNullable<Parameters<typeof withIdempotency>[0]['body']>;

/** withIdempotency bound to one store, as every REST handler calls it. */
export function createIdempotent(store: IdempotencyStore) {
  return (
    req: Request,
    apiKeyId: string,
    parts: [string, string][],
    run: () => Promise<Response>,
    body?: IdempotentBody,
  ) => withIdempotency({ store, req, apiKeyId, parts, body }, run);
}

/**
 * Runs `run` at most once per (API key, route, Idempotency-Key): a repeat gets the stored first response
 * (with `Idempotency-Replayed: true`), a different body 422, a concurrent duplicate 409. Client errors
 * are stored like successes (as Stripe does); a server-side failure frees the key for a retry.
 */
export async function withIdempotency(
  opts: {
    store: IdempotencyStore;
    req: Request;
    apiKeyId: string;
    parts: [string, string][];
    /**
     * For a body that must not rest in Postgres as is (a webhook's signing secret): `redact` shapes what
     * is stored, `restore` rebuilds the replay from it.
     */
    body?: { redact(body: string): string; restore(stored: string): Promise<string> };
  },
  run: () => Promise<Response>,
): Promise<Response> {
  const key = opts.req.headers.get('idempotency-key');
  if (key === null) return run();
  const { pathname } = new URL(opts.req.url);
  const requestHash = hashRequestParts(opts.req.method, pathname, opts.parts);
  const route = `${opts.req.method.toUpperCase()} ${pathname}`;
  const started = await opts.store.begin({ apiKeyId: opts.apiKeyId, route, key, requestHash });
  if (started.kind === 'replay') {
    const { status, headers } = started.response;
    const isRestorable = opts.body && status < 300;
    const body = isRestorable ? await opts.body!.restore(started.response.body) : started.response.body;
    return new Response(body, { status, headers: { ...headers, 'Idempotency-Replayed': 'true' } });
  }
  let res: Response;
  try {
    res = await run();
  } catch (err) {
    // A server failure or a body damaged in transit is not the client's answer: the key stays free.
    if (!isAppError(err) || err.code === 'internal' || err.code === 'digest_mismatch') {
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
  const text = await res.clone().text();
  const stored = opts.body && res.status < 300 ? opts.body.redact(text) : text;
  await started.complete({ status: res.status, body: stored, headers });
  return res;
}

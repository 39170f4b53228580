import { appRouter, createContext } from '@fjord/api';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { isSameOrigin } from './request-auth';
import { isAppError } from '@fjord/errors';
import { readLimitedBytes } from './limited-body';
import type { WebServices } from './services';
import { checkTrpcBatch, TRPC_MAX_BATCH_CALLS, TRPC_MAX_BODY_BYTES } from './trpc-limits';

export const TRPC_ENDPOINT = '/api/trpc';

// JSON-RPC codes tRPC uses for these (TRPC_ERROR_CODES_BY_KEY).
const RPC_CODES = {
  BAD_REQUEST: -32600,
  FORBIDDEN: -32003,
  PAYLOAD_TOO_LARGE: -32013,
  UNSUPPORTED_MEDIA_TYPE: -32015,
} as const;

/** A tRPC-shaped error for failures that happen before tRPC runs, so clients read them the same way. */
function trpcError(status: number, code: keyof typeof RPC_CODES, appCode: string, message: string): Response {
  return Response.json(
    { error: { message, code: RPC_CODES[code], data: { code, httpStatus: status, appCode } } },
    { status, headers: { 'Cache-Control': 'no-store' } },
  );
}

const tooLarge = () =>
  trpcError(
    413,
    'PAYLOAD_TOO_LARGE',
    'too_large',
    `The request body is larger than ${TRPC_MAX_BODY_BYTES / 1024 / 1024} MB; files go to /api/uploads.`,
  );

function isJson(req: Request): boolean {
  const type = req.headers.get('content-type');
  return type === null || /^application\/json\s*(;|$)/i.test(type);
}

export async function handleTrpcRequest(req: Request, services: WebServices): Promise<Response> {
  // Cookies are SameSite=Lax already; refusing foreign origins outright is the second lock on mutations.
  if (req.method === 'POST' && !isSameOrigin(req, services.config)) {
    return trpcError(403, 'FORBIDDEN', 'forbidden', 'Cross-origin requests are not allowed.');
  }
  const batch = checkTrpcBatch(new URL(req.url), TRPC_ENDPOINT);
  if (!batch.ok) return trpcError(batch.status, 'BAD_REQUEST', 'bad_request', batch.message);
  let request = req;
  if (req.method === 'POST') {
    if (!isJson(req)) {
      return trpcError(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported_type', 'tRPC takes JSON bodies only.');
    }
    // Never more than TRPC_MAX_BODY_BYTES read (Content-Length can be absent or wrong).
    const body = await readLimitedBytes(req, TRPC_MAX_BODY_BYTES, 'The request body').catch(
      (err: unknown) => {
        if (isAppError(err) && (err.code === 'too_large' || err.code === 'bad_request')) return err;
        throw err;
      },
    );
    if (isAppError(body)) {
      return body.code === 'too_large'
        ? tooLarge()
        : trpcError(400, 'BAD_REQUEST', 'bad_request', body.message);
    }
    const headers = new Headers(req.headers);
    headers.delete('transfer-encoding');
    headers.set('content-length', String(body.byteLength));
    // Buffer.concat's bytes: an ArrayBuffer, never shared memory.
    const bytes = body as Uint8Array<ArrayBuffer>;
    request = new Request(req.url, { method: 'POST', headers, body: bytes, signal: req.signal });
  }
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH_CALLS,
    createContext: ({ req: r, resHeaders }) => createContext({ req: r, resHeaders, services }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR' && !isAppError(error.cause)) {
        services.logger.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
      }
    },
  });
}

import { appRouter, createContext } from '@fjord/api';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { httpStatusForCode, isAppError } from '@fjord/errors';
import { assertContentLengthWithin, withBodyLimit } from './limited-body';
import type { WebServices } from './services';

export const TRPC_ENDPOINT = '/api/trpc';

// JSON-RPC codes tRPC uses for these (TRPC_ERROR_CODES_BY_KEY).
const RPC_CODES = { FORBIDDEN: -32003, PAYLOAD_TOO_LARGE: -32013 } as const;

/** A tRPC-shaped error for failures that happen before tRPC runs, so clients read them the same way. */
function trpcError(status: number, code: keyof typeof RPC_CODES, appCode: string, message: string): Response {
  return Response.json(
    { error: { message, code: RPC_CODES[code], data: { code, httpStatus: status, appCode } } },
    { status },
  );
}

function isCrossOrigin(req: Request): boolean {
  const origin = req.headers.get('origin');
  if (!origin) return false;
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host');
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export async function handleTrpcRequest(req: Request, services: WebServices): Promise<Response> {
  // Cookies are SameSite=Lax already; refusing foreign origins outright is the second lock on mutations.
  if (req.method === 'POST' && isCrossOrigin(req)) {
    return trpcError(403, 'FORBIDDEN', 'forbidden', 'Cross-origin requests are not allowed.');
  }
  let request = req;
  if (req.method === 'POST' && req.body) {
    try {
      assertContentLengthWithin(req, services.config.UPLOAD_MAX_BYTES);
    } catch (err) {
      if (isAppError(err)) return trpcError(413, 'PAYLOAD_TOO_LARGE', err.code, err.message);
      throw err;
    }
    request = withBodyLimit(req, services.config.UPLOAD_MAX_BYTES);
  }
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: ({ req: r, resHeaders }) => createContext({ req: r, resHeaders, services }),
    // A code tRPC has no name for (storage_full → 507) keeps the status every other upload path answers.
    responseMeta({ errors }) {
      const full = errors.find((e) => isAppError(e.cause) && e.cause.code === 'storage_full');
      return full ? { status: httpStatusForCode('storage_full') } : {};
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR' && !isAppError(error.cause)) {
        services.logger.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
      }
    },
  });
}

import { findMediaForViewer, REST_OPERATIONS, type MediaDto, type RestOperation } from '@fjord/api';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import type { Logger } from '@fjord/observability';
import type { z } from 'zod';
import { jsonError, mediaNotFound, toErrorResponse, unauthorized } from './http-error';
import { routeTemplate, timeRequest } from './http-metrics';
import { assertScope, authenticateRequest, viewerOf, type RequestPrincipal } from './request-auth';

export type ApiKeyPrincipal = Extract<RequestPrincipal, { via: 'api-key' }>;

export type RestApiDeps = {
  db: DbClient;
  logger?: Pick<Logger, 'error'>;
  /** Runs after authentication: the RateLimit-* headers, and whether this request may go on. */
  limitRate?: (
    principal: ApiKeyPrincipal,
  ) => Promise<{ isAllowed: boolean; headers: Record<string, string> }>;
};

export type RestOperationId = RestOperation['operationId'];

// The route table (REST_OPERATIONS) is the one list: it gives each operation its scope and the route
// template it is measured under, so a new endpoint is a row there and a handler, nothing else.
const OPERATIONS = new Map(
  REST_OPERATIONS.map((op) => [op.operationId, { scope: op.scope, route: routeTemplate(op.path) }]),
);

/**
 * The one pipeline every REST v1 endpoint runs through: API key (never a cookie) → the operation's scope
 * → rate limit → handler, and any error to the uniform JSON shape. Rate-limit headers ride on every
 * response; each request is timed under its operation's route template.
 */
export function createRestApi(deps: RestApiDeps) {
  return function handle(
    req: Request,
    operationId: RestOperationId,
    run: (principal: ApiKeyPrincipal) => Promise<Response>,
  ): Promise<Response> {
    const { scope, route } = OPERATIONS.get(operationId)!;
    return timeRequest(route, req, () => pipeline(req, scope, run));
  };

  async function pipeline(
    req: Request,
    scope: RestOperation['scope'],
    run: (principal: ApiKeyPrincipal) => Promise<Response>,
  ): Promise<Response> {
    let extraHeaders: Record<string, string> = {};
    let res: Response;
    try {
      const principal = await authenticateRequest(req, deps.db, { allowSession: false });
      if (!principal || principal.via !== 'api-key') throw unauthorized();
      assertScope(principal, scope);
      const limit = deps.limitRate ? await deps.limitRate(principal) : undefined;
      extraHeaders = limit?.headers ?? {};
      res =
        limit && !limit.isAllowed
          ? jsonError(
              'rate_limited',
              'Too many requests for this API key; retry after the Retry-After delay.',
            )
          : await run(principal);
    } catch (err) {
      res = toErrorResponse(err, deps.logger);
    }
    for (const [name, value] of Object.entries(extraHeaders)) res.headers.set(name, value);
    // What an API key is answered is its own: no shared cache keeps it, unless a handler says otherwise.
    if (!res.headers.has('cache-control')) res.headers.set('Cache-Control', 'no-store');
    return res;
  }
}

/** The key owner's media (viewerOf), else the 404 that does not say whether it exists (mediaNotFound). */
export async function keyOwnerMedia(
  db: Parameters<typeof findMediaForViewer>[0]['db'],
  principal: ApiKeyPrincipal,
  id: string,
): Promise<MediaDto> {
  const media = await findMediaForViewer({ db, viewer: viewerOf(principal), id });
  if (!media) throw mediaNotFound();
  return media;
}

/** Parses with a REST schema; a failure is a 400 naming each bad field. */
export function parseRestInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({
    field: i.path.join('.') || '(input)',
    message: i.message,
  }));
  throw new AppError('bad_request', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
}

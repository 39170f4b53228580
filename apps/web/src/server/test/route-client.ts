import { createOpenApiContract } from '@fjord/api/testing';
import { loadRoute, type HttpMethod } from './app-inventory';

export const BASE = 'http://localhost:3000';
export const SAME_ORIGIN = { origin: BASE, host: 'localhost:3000' };
export type Auth = Record<string, string>;
const contract = createOpenApiContract();

export const bearer = (key: string): Auth => ({ authorization: `Bearer ${key}` });
export const cookieOf = (token: string): Auth => ({ cookie: `fjord_session=${token}` });

/** A request through the route module Next would load for `routePath`, its params as Next passes them. */
export async function callRoute(
  routePath: string,
  method: HttpMethod,
  url: string,
  init: { headers?: Auth; body?: BodyInit; params?: Record<string, string> } = {},
): Promise<Response> {
  const handler = (await loadRoute(routePath))[method];
  if (!handler) throw new Error(`${routePath} exports no ${method}`);
  const req = new Request(`${BASE}${url}`, {
    method,
    headers: init.headers,
    body: init.body,
    duplex: 'half',
  } as RequestInit);
  const response = await handler(req, { params: Promise.resolve(init.params ?? {}) });
  // The refusals are part of the contract too: a status or body the OpenAPI document does not declare fails.
  if (!routePath.startsWith('/api/trpc')) {
    await contract.assertResponseMatches({ method, url: req.url, response });
  }
  return response;
}

export type ProcedureType = 'query' | 'mutation' | 'subscription';

/** A tRPC call over HTTP through /api/trpc/[trpc]: GET for queries and subscriptions (SSE), POST for mutations. */
export function trpc(name: string, type: ProcedureType, input: unknown, headers: Auth): Promise<Response> {
  const params = { trpc: name };
  if (type === 'mutation') {
    return callRoute('/api/trpc/[trpc]', 'POST', `/api/trpc/${name}`, {
      // A browser page of this site: same-origin (every cookie-carrying POST must name its Origin).
      headers: { ...SAME_ORIGIN, ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(input ?? null),
      params,
    });
  }
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return callRoute('/api/trpc/[trpc]', 'GET', `/api/trpc/${name}${query}`, {
    headers: type === 'subscription' ? { ...headers, accept: 'text/event-stream' } : headers,
    params,
  });
}

/** What the caller learnt: the HTTP status and error code, or for SSE the first event (bounded in time and size). */
export async function outcome(
  res: Response,
): Promise<{ status: number; code: string | null; leaked?: string }> {
  if (!res.headers.get('content-type')?.includes('text/event-stream')) {
    const text = res.status === 204 || !res.body ? '' : await res.text();
    let code: string | null = null;
    try {
      const err = (JSON.parse(text) as { error?: { code?: unknown; data?: { code?: string } } }).error;
      code = err?.data?.code ?? (typeof err?.code === 'string' ? err.code : null);
    } catch {
      /* not JSON: tus answers some refusals in plain text */
    }
    return { status: res.status, code };
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 5_000;
  try {
    while (Date.now() < deadline && text.length < 65_536) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ done: true; value: undefined }>((r) =>
          setTimeout(() => r({ done: true, value: undefined }), 5_000),
        ),
      ]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      const error = /event: serialized-error\ndata: (.*)\n/.exec(text);
      if (error) {
        const shape = JSON.parse(error[1]!) as { data: { code: string; httpStatus: number } };
        return { status: shape.data.httpStatus, code: shape.data.code };
      }
      const data = /^data: (.*)$/m.exec(text.replace(/^event: (ping|connected).*\n(data: .*\n)?/gm, ''));
      if (data) return { status: 200, code: null, leaked: data[1] };
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return { status: 200, code: null, leaked: text };
}

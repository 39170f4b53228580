import { getMetrics, methodLabel, requestParentContext, SpanKind, withSpan } from '@fjord/observability';

type Handler<A extends unknown[]> = (req: Request, ...args: A) => Promise<Response>;

/**
 * Times one request under its route template (`/api/v1/media/[id]`, never the raw path), until its
 * response (headers) is ready; a throw counts as 500. The one place web requests are measured, and
 * traced: a server span, active while the handler runs, in the request's one trace (ADR 0022): a child
 * of Next's own request span under `next start`, else of the client's `traceparent`, else its root.
 */
export function timeRequest(route: string, req: Request, run: () => Promise<Response>): Promise<Response> {
  const method = methodLabel(req.method);
  const attributes = { 'http.request.method': method, 'http.route': route };
  const spanOpts = { kind: SpanKind.SERVER, attributes, parent: requestParentContext(req.headers) };
  return withSpan(`${method} ${route}`, spanOpts, async (span) => {
    const end = getMetrics().httpRequestDuration.startTimer({ route, method });
    try {
      const res = await run();
      end({ status: String(res.status) });
      span.setAttribute('http.response.status_code', res.status);
      return res;
    } catch (err) {
      end({ status: '500' });
      span.setAttribute('http.response.status_code', 500);
      throw err;
    }
  });
}

/** A handler timed under `route` (timeRequest); REST v1 handlers are timed by their operation instead. */
export function measureRoute<A extends unknown[]>(route: string, handler: Handler<A>): Handler<A> {
  return (req: Request, ...args: A) => timeRequest(route, req, () => handler(req, ...args));
}

/** The route file's template of a route-table path: `/api/v1/media/:id` → `/api/v1/media/[id]`. */
export const routeTemplate = (path: string) => path.replace(/:(\w+)/g, '[$1]');

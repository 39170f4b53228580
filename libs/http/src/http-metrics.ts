import { contextFromHeaders, getMetrics, methodLabel, SpanKind, withSpan } from '@fjord/observability';

type Handler<A extends unknown[]> = (req: Request, ...args: A) => Promise<Response>;

/**
 * Times a handler under its route template (`/api/v1/media/[id]`, never the raw path), until its
 * response (headers) is ready; a throw counts as 500. The one place web requests are measured, and
 * traced: a server span (a child of the client's `traceparent`, if it sent one) that is the root of an
 * upload's trace, active while the handler runs (ADR 0022).
 */
export function measureRoute<A extends unknown[]>(route: string, handler: Handler<A>): Handler<A> {
  const histogram = getMetrics().httpRequestDuration;
  return (req: Request, ...args: A) => {
    const method = methodLabel(req.method);
    const attributes = { 'http.request.method': method, 'http.route': route };
    const spanOpts = { kind: SpanKind.SERVER, attributes, parent: contextFromHeaders(req.headers) };
    return withSpan(`${method} ${route}`, spanOpts, async (span) => {
      const end = histogram.startTimer({ route, method });
      try {
        const res = await handler(req, ...args);
        end({ status: String(res.status) });
        span.setAttribute('http.response.status_code', res.status);
        return res;
      } catch (err) {
        end({ status: '500' });
        span.setAttribute('http.response.status_code', 500);
        throw err;
      }
    });
  };
}

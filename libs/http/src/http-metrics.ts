import { getMetrics, methodLabel } from '@fjord/observability';

type Handler<A extends unknown[]> = (req: Request, ...args: A) => Promise<Response>;

/**
 * Times a handler under its route template (`/api/v1/media/[id]`, never the raw path), until its
 * response (headers) is ready; a throw counts as 500. The one place web requests are measured.
 */
export function measureRoute<A extends unknown[]>(route: string, handler: Handler<A>): Handler<A> {
  const histogram = getMetrics().httpRequestDuration;
  return async (req: Request, ...args: A) => {
    const end = histogram.startTimer({ route, method: methodLabel(req.method) });
    try {
      const res = await handler(req, ...args);
      end({ status: String(res.status) });
      return res;
    } catch (err) {
      end({ status: '500' });
      throw err;
    }
  };
}

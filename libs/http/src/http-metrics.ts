import { getMetrics, methodLabel } from '@fjord/observability';

type Handler<A extends unknown[]> = (req: Request, ...args: A) => Promise<Response>;

/**
 * Times one request under its route template (`/api/v1/media/[id]`, never the raw path), until its
 * response (headers) is ready; a throw counts as 500. The one place web requests are measured.
 */
export async function timeRequest(route: string, req: Request, run: () => Promise<Response>) {
  const end = getMetrics().httpRequestDuration.startTimer({ route, method: methodLabel(req.method) });
  try {
    const res = await run();
    end({ status: String(res.status) });
    return res;
  } catch (err) {
    end({ status: '500' });
    throw err;
  }
}

/** A handler timed under `route` (timeRequest); REST v1 handlers are timed by their operation instead. */
export function measureRoute<A extends unknown[]>(route: string, handler: Handler<A>): Handler<A> {
  return (req: Request, ...args: A) => timeRequest(route, req, () => handler(req, ...args));
}

/** The route file's template of a route-table path: `/api/v1/media/:id` → `/api/v1/media/[id]`. */
export const routeTemplate = (path: string) => path.replace(/:(\w+)/g, '[$1]');

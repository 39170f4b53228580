import { getWebHttp, type WebHttp } from '@fjord/http';
import { withTransportSecurity } from './security/strict-transport-security';

/**
 * A route export as a one-liner onto the process's one set of handlers (@fjord/http), built on the
 * first request, never at import (`next build` loads every route). Every response gets HSTS.
 */
export function route<P = unknown>(call: (http: WebHttp, req: Request, params: P) => Promise<Response>) {
  return withTransportSecurity(async (req: Request, ctx: { params: Promise<P> }) =>
    call(getWebHttp(), req, await ctx.params),
  );
}

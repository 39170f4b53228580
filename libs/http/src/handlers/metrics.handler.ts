import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '@fjord/config';
import { getMetrics } from '@fjord/observability';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /api/metrics for Prometheus, never public: without METRICS_TOKEN configured it does not exist
 * (404); with it, only `Authorization: Bearer <token>` gets the exposition (else 401). Digests are
 * compared in constant time, so the answer's timing says nothing about the token.
 */
export function createMetricsHandler(deps: { config: Pick<Config, 'METRICS_TOKEN'> }) {
  const expected = deps.config.METRICS_TOKEN ? digest(deps.config.METRICS_TOKEN) : undefined;
  return async function metrics(req: Request): Promise<Response> {
    const noStore = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (!expected) return new Response('Not Found\n', { status: 404, headers: noStore });
    const match = /^Bearer (\S+)$/.exec(req.headers.get('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      return new Response('Unauthorized\n', {
        status: 401,
        headers: { ...noStore, 'www-authenticate': 'Bearer realm="metrics"' },
      });
    }
    const { registry } = getMetrics();
    return new Response(await registry.metrics(), {
      headers: { ...noStore, 'content-type': registry.contentType },
    });
  };
}

import { HealthSchema } from './health.schemas';
import { ref, type JsonObject } from './openapi-parts';

/**
 * `/api/health/*` for probes (compose, Kubernetes): public on purpose — no credentials, and nothing in
 * the answer but up/down, so there is nothing to protect.
 */
export function healthPaths(): Record<string, JsonObject> {
  const health = (description: string) => ({
    description,
    content: { 'application/json': { schema: ref(HealthSchema) } },
  });
  const common = { tags: ['health'], security: [] };
  return {
    '/api/health/live': {
      get: {
        ...common,
        operationId: 'healthLive',
        summary: 'Liveness (public, no credentials): the process answers; touches no dependency',
        responses: { '200': health('`{ "status": "ok" }`.') },
      },
    },
    '/api/health/ready': {
      get: {
        ...common,
        operationId: 'healthReady',
        summary: 'Readiness (public, no credentials): Postgres and Redis answer, so uploads can be taken',
        responses: {
          '200': health('Ready: every check is `ok`.'),
          '503': health('Not ready: `checks` names what is `down`.'),
        },
      },
    },
  };
}

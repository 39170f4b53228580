import { REST_OPERATIONS } from '@fjord/api';
import type { DbClient } from '@fjord/db';
import { getMetrics } from '@fjord/observability';
import { describe, expect, it } from 'vitest';
import { routeTemplate } from './http-metrics';
import { createRestApi } from './rest-api';

const count = async (route: string, method: string, status: string) => {
  const { values } = await getMetrics().httpRequestDuration.get();
  const hit = values.find(
    (v) =>
      v.metricName === 'fjord_http_request_duration_seconds_count' &&
      v.labels.route === route &&
      v.labels.method === method &&
      v.labels.status === status,
  );
  return hit?.value ?? 0;
};

describe('createRestApi', () => {
  it('maps a route-table path to its route file template', () => {
    expect(routeTemplate('/api/v1/media/:id/captions/:lang')).toBe('/api/v1/media/[id]/captions/[lang]');
    expect(routeTemplate('/api/v1/webhooks')).toBe('/api/v1/webhooks');
  });

  it('times every operation under its route-table template, a refused request too', async () => {
    // No credentials: refused before the database is asked.
    const handle = createRestApi({ db: {} as DbClient });
    for (const op of REST_OPERATIONS) {
      const route = routeTemplate(op.path);
      const before = await count(route, op.method, '401');
      const url = `http://localhost${op.path.replace(/:\w+/g, 'x')}`;
      const res = await handle(new Request(url, { method: op.method }), op.operationId, () => {
        throw new Error('not reached without a key');
      });
      expect(res.status).toBe(401);
      expect(await count(route, op.method, '401')).toBe(before + 1);
    }
  });
});

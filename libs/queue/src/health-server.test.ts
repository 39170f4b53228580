import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthServer } from './health-server';

// What a worker's probes see while Redis is away: its connection queues the ping and the counts.
const never = () => new Promise<never>(() => undefined);

describe('worker health server while Redis does not answer', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('/health/ready says 503 and /metrics answers without the backlog, each within the probe timeout', async () => {
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      queueName: 'transcode',
      isReady: never,
      backlog: never,
    });
    const base = `http://127.0.0.1:${server.port}`;
    const started = Date.now();
    const [ready, metrics] = await Promise.all([
      fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5_000) }),
      fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) }),
    ]);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(ready.status).toBe(503);
    const text = await metrics.text();
    expect(text).toContain('# TYPE fjord_jobs_completed_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(text).not.toMatch(/^fjord_queue_backlog\{/m);
  });
});

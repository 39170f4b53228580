import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getMetrics } from '@fjord/observability';

export type HealthServer = { port: number; close(): Promise<void> };

const PROBE_TIMEOUT_MS = 1_000;

/**
 * A probe answers within a second, whatever Redis does: the worker's connection queues commands while
 * Redis is away (BullMQ needs it to), so an unbounded ping or count would hang /metrics and
 * /health/ready for the whole outage — when an operator needs them most.
 */
function withinProbeTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('probe timed out')), PROBE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The process's registry (prom-client), with this queue's backlog read now — or left out when Redis is away. */
async function renderMetrics(opts: { queueName: string; backlog?(): Promise<number> }): Promise<string> {
  const { registry, queueBacklog } = getMetrics();
  if (opts.backlog) {
    const count = await withinProbeTimeout(opts.backlog()).catch(() => undefined);
    if (count === undefined) queueBacklog.remove({ queue: opts.queueName });
    else queueBacklog.set({ queue: opts.queueName }, count);
  }
  return registry.metrics();
}

/** /health/live, /health/ready and /metrics on their own port, so probes never queue behind jobs. */
export async function startHealthServer(opts: {
  port: number;
  host?: string;
  queueName: string;
  isReady(): Promise<boolean>;
  /** Queue-wide backlog for the autoscaling gauge, read per scrape; left out of /metrics when Redis does not answer. */
  backlog?(): Promise<number>;
}): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff' });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return send(405, '{"error":"method not allowed"}');
    if (path === '/health/live') return send(200, '{"status":"ok"}');
    if (path === '/health/ready') {
      withinProbeTimeout(opts.isReady()).then(
        (ok) => send(ok ? 200 : 503, JSON.stringify({ status: ok ? 'ok' : 'unavailable' })),
        () => send(503, '{"status":"unavailable"}'),
      );
      return;
    }
    if (path === '/metrics') {
      void renderMetrics(opts).then(
        (text) => send(200, text, getMetrics().registry.contentType),
        () => send(500, '{"error":"metrics unavailable"}'),
      );
      return;
    }
    send(404, '{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

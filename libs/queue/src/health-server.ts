import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type WorkerStats = { completed: number; failed: number; active: number };

export type HealthServer = { port: number; close(): Promise<void> };

/**
 * Prometheus text exposition format 0.0.4, written by hand: a few series need no client library.
 * `backlog` (waiting + prioritized + delayed jobs of the queue) is what autoscalers (KEDA) scale on.
 */
export function renderMetrics(queueName: string, stats: WorkerStats, backlog?: number): string {
  const q = `{queue="${queueName}"}`;
  const mem = process.memoryUsage();
  const backlogLines =
    backlog === undefined
      ? []
      : [
          '# HELP fjord_queue_backlog Jobs of this queue not yet started: waiting + prioritized + delayed.',
          '# TYPE fjord_queue_backlog gauge',
          `fjord_queue_backlog${q} ${backlog}`,
        ];
  const lines = [
    ...backlogLines,
    '# HELP fjord_jobs_completed_total Jobs this process completed.',
    '# TYPE fjord_jobs_completed_total counter',
    `fjord_jobs_completed_total${q} ${stats.completed}`,
    '# HELP fjord_jobs_failed_total Job attempts this process failed (retries included).',
    '# TYPE fjord_jobs_failed_total counter',
    `fjord_jobs_failed_total${q} ${stats.failed}`,
    '# HELP fjord_jobs_active Jobs this process is running right now.',
    '# TYPE fjord_jobs_active gauge',
    `fjord_jobs_active${q} ${stats.active}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${mem.rss}`,
    '# HELP nodejs_heap_used_bytes V8 heap in use, in bytes.',
    '# TYPE nodejs_heap_used_bytes gauge',
    `nodejs_heap_used_bytes ${mem.heapUsed}`,
    '# HELP process_uptime_seconds Seconds since the process started.',
    '# TYPE process_uptime_seconds gauge',
    `process_uptime_seconds ${process.uptime().toFixed(1)}`,
  ];
  return lines.join('\n') + '\n';
}

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

/** /health/live, /health/ready and /metrics on their own port, so probes never queue behind jobs. */
export async function startHealthServer(opts: {
  port: number;
  host?: string;
  queueName: string;
  isReady(): Promise<boolean>;
  stats(): WorkerStats;
  /** Queue-wide backlog for the autoscaling gauge; left out of /metrics when Redis does not answer. */
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
      const backlog = withinProbeTimeout(opts.backlog?.() ?? Promise.resolve(undefined)).catch(
        () => undefined,
      );
      void backlog.then((count) =>
        send(
          200,
          renderMetrics(opts.queueName, opts.stats(), count),
          'text/plain; version=0.0.4; charset=utf-8',
        ),
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

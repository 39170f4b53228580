import type { Queue } from 'bullmq';
import type { WorkerInfo } from './queue-admin.types';

/**
 * runWorker names each worker `<host>.<pid>.<version>.c<concurrency>` (workerName), and BullMQ puts
 * that name on the Redis connection, so `CLIENT LIST` is the registry: no heartbeat keys to expire.
 */
export function workerName(opts: {
  host: string;
  pid: number;
  version: string;
  concurrency: number;
}): string {
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9_-]/g, '_');
  return `${safe(opts.host)}.${opts.pid}.${safe(opts.version)}.c${opts.concurrency}`;
}

export function parseWorkerName(name: string): Pick<WorkerInfo, 'host' | 'pid' | 'version' | 'concurrency'> {
  const match = /^([\w-]+)\.(\d+)\.([\w-]+)\.c(\d+)$/.exec(name);
  if (!match) return { host: null, pid: null, version: null, concurrency: null };
  return {
    host: match[1]!.replace(/_/g, '.'),
    pid: Number(match[2]),
    version: match[3]!.replace(/_/g, '.'),
    concurrency: Number(match[4]),
  };
}

/** Active jobs read per call to count each worker's running jobs; bounded by total concurrency in practice. */
const MAX_ACTIVE_SCAN = 1_000;

/**
 * One row per named worker (BullMQ opens more than one connection per worker: they are merged, the
 * most recent activity wins). Running jobs = active jobs whose `processedBy` is the worker's name.
 */
export async function listWorkers(queue: Queue, now = Date.now()): Promise<WorkerInfo[]> {
  const [clients, active] = await Promise.all([
    queue.getWorkers(),
    queue.getJobs('active', 0, MAX_ACTIVE_SCAN - 1),
  ]);
  const running = new Map<string, number>();
  for (const job of active) {
    if (job?.processedBy) running.set(job.processedBy, (running.get(job.processedBy) ?? 0) + 1);
  }
  const byName = new Map<string, WorkerInfo>();
  for (const client of clients) {
    const rawName = client.rawname ?? '';
    const name = rawName.includes(':w:') ? rawName.slice(rawName.indexOf(':w:') + 3) : rawName;
    const lastSeenAt = now - Number(client.idle ?? 0) * 1000;
    const ageSeconds = Number(client.age ?? 0);
    const seen = byName.get(name);
    if (seen) {
      seen.lastSeenAt = Math.max(seen.lastSeenAt, lastSeenAt);
      seen.ageSeconds = Math.max(seen.ageSeconds, ageSeconds);
      continue;
    }
    byName.set(name, {
      queue: queue.name,
      rawName: name,
      ...parseWorkerName(name),
      addr: client.addr ?? null,
      ageSeconds,
      lastSeenAt,
      running: running.get(name) ?? 0,
    });
  }
  return [...byName.values()];
}

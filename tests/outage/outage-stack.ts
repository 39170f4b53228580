import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '@fjord/auth';
import {
  createTestUser,
  closedLoopbackPort,
  startOwnRedisServer,
  waitFor,
  type OwnRedisServer,
} from '@fjord/testing';
import { startPipeline, type Pipeline, type WorkerName } from '../pipeline/pipeline-harness';
import { startTcpProxy, type TcpProxy } from '../pipeline/tcp-proxy';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORKERS: WorkerName[] = ['transcode', 'db', 'email'];

export type StackProcess = {
  name: 'web' | `worker-${WorkerName}`;
  child: ChildProcess;
  /** Where its health answers: web's /api/health/*, a worker's /health/* and /metrics. */
  port: number;
  logs(): string;
};

/**
 * Every Fjord process (web and the three workers, real entrypoints as child processes) reaching Postgres
 * and Redis only through loopback proxies the test cuts and restores. The test itself talks to both
 * directly, so it keeps watching while the processes are cut off. Redis is the test's own redis-server;
 * Postgres is the shared one (a proxy cut never touches the server).
 */
export async function startOutageStack(label: string, env: Record<string, string> = {}) {
  const redis: OwnRedisServer = await startOwnRedisServer(label, ['--appendonly', 'yes']);
  const redisProxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
  const pgProxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  const p: Pipeline = await startPipeline(label, {
    REDIS_URL: redis.url,
    WORKER_LOCK_DURATION_MS: '10000',
    SWEEPER_INTERVAL_MS: '2000',
    SWEEPER_STALE_AFTER_MS: '5000',
    AVIF_EFFORT: '0',
    ...env,
  });
  const proxied = (url: string, port: number) => {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString();
  };
  const viaProxies = {
    DATABASE_URL: proxied(p.config.DATABASE_URL, pgProxy.port),
    REDIS_URL: proxied(redis.url, redisProxy.port),
  };
  const owner = await createTestUser(p.db);
  const { key } = await createApiKey({ db: p.db, userId: owner.id, name: 'outage' });
  const processes: StackProcess[] = [];

  const workers = await Promise.all(
    WORKERS.map(async (name) => {
      const port = await closedLoopbackPort();
      const w = await p.startWorker(name, { ...viaProxies, HEALTH_PORT: String(port) });
      return { name: `worker-${name}` as const, child: w.child, port, logs: w.logs };
    }),
  );
  processes.push(...workers);
  processes.push(await startWeb());

  async function startWeb(): Promise<StackProcess> {
    const port = await closedLoopbackPort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/pipeline/web-http.server.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        QUEUE_PREFIX: p.config.QUEUE_PREFIX,
        FJORD_DATA_DIR: p.config.dataDir,
        FJORD_PUBLIC_URL: 'http://fjord.test',
        WEB_PORT: String(port),
        ...env,
        ...viaProxies,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`web exited early:\n${logs}`);
        return logs.includes('web listening');
      },
      { timeoutMs: 90_000, intervalMs: 50 },
    );
    return { name: 'web', child, port, logs: () => logs };
  }

  /** POST /api/v1/media through web, bounded: a request that does not answer in time counts as a hang. */
  async function upload(body: Buffer, filename: string, timeoutMs = 15_000) {
    const started = Date.now();
    const web = processes.find((s) => s.name === 'web')!;
    try {
      const res = await fetch(`http://127.0.0.1:${web.port}/api/v1/media`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/octet-stream',
          'x-filename': filename,
        },
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const json = (await res.json().catch(() => ({}))) as {
        id?: string;
        error?: { code?: string; message?: string };
      };
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        id: json.id,
        error: json.error,
        ms: Date.now() - started,
      };
    } catch (err) {
      return {
        status: 0,
        retryAfter: null,
        error: { code: 'hang', message: String(err) },
        ms: Date.now() - started,
      };
    }
  }

  /** GET a health path of one process; 0 when it does not answer within 3 s. */
  async function health(proc: StackProcess, kind: 'live' | 'ready') {
    const url =
      proc.name === 'web'
        ? `http://127.0.0.1:${proc.port}/api/health/${kind}`
        : `http://127.0.0.1:${proc.port}/health/${kind}`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      return { status: res.status, body: await res.text() };
    } catch {
      return { status: 0, body: '' };
    }
  }

  /** A worker's fjord_jobs_completed_total from its /metrics. */
  async function completedJobs(proc: StackProcess): Promise<number | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${proc.port}/metrics`, {
        signal: AbortSignal.timeout(3_000),
      });
      const m = /^fjord_jobs_completed_total\{[^}]*\} (\d+)$/m.exec(await res.text());
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  const exited = () =>
    processes
      .filter((s) => s.child.exitCode !== null || s.child.signalCode !== null)
      .map((s) => `${s.name} (${s.child.exitCode ?? s.child.signalCode})`);

  async function stop() {
    const web = processes.find((s) => s.name === 'web');
    if (web && web.child.exitCode === null && web.child.signalCode === null) {
      const done = once(web.child, 'exit');
      web.child.kill('SIGTERM');
      const timer = setTimeout(() => web.child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    }
    await p.stop();
    await Promise.all([redisProxy.close(), pgProxy.close()]);
    await redis.stop();
  }

  return {
    p,
    redis,
    proxies: { postgres: pgProxy, redis: redisProxy },
    owner,
    processes,
    upload,
    health,
    completedJobs,
    exited,
    stop,
  };
}

export type OutageStack = Awaited<ReturnType<typeof startOutageStack>>;

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { createIngestService, type IngestService } from '@fjord/ingest';
import {
  createMediaFlowEnqueuer,
  createQueues,
  type MediaFlowEnqueuer,
  type QueueLogger,
  type Queues,
} from '@fjord/queue';
import { createBlobStore, type BlobStore } from '@fjord/storage';
import { createWebhookService, loadSecretCipher } from '@fjord/webhooks';
import { createTestDatabase, startSmtpListener, testConfig, uniquePrefix, waitFor } from '@fjord/testing';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type WorkerName = 'transcode' | 'db' | 'email' | 'webhook';

export const silentLogger: QueueLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export type SpawnedWorker = {
  name: WorkerName;
  child: ChildProcess;
  logs(): string;
  /** Signals the worker itself (under a `wrap` such as strace, `child` is the wrapper). */
  signal(sig: NodeJS.Signals): void;
};

/**
 * Signals the program a wrapper (strace) started rather than the wrapper, which blocks fatal signals;
 * the wrapper exits with it. Without a wrapper, the child itself.
 */
export function signalWrapped(child: ChildProcess, wrapped: boolean, sig: NodeJS.Signals) {
  if (!wrapped || child.pid === undefined) {
    child.kill(sig);
    return;
  }
  let pids: string[] = [];
  try {
    pids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/);
  } catch {
    // the wrapper is gone already
  }
  for (const pid of pids.filter(Boolean)) {
    try {
      process.kill(Number(pid), sig);
    } catch {
      // exited in between
    }
  }
}

/**
 * Everything one pipeline test file needs: its own database, Redis prefix, data dir and SMTP listener,
 * the producer side (ingest + queues) in this process, and the real worker entrypoints as child processes.
 */
export async function startPipeline(label: string, env: Record<string, string> = {}) {
  const database = await createTestDatabase();
  const smtp = await startSmtpListener();
  const workerEnv: Record<string, string> = {
    DATABASE_URL: database.url,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    QUEUE_PREFIX: uniquePrefix(label),
    SMTP_URL: smtp.url,
    HEALTH_PORT: '0',
    WORKER_LOCK_DURATION_MS: '2000',
    JOB_ATTEMPTS: '3',
    JOB_BACKOFF_MS: '200',
    SHARP_CONCURRENCY: '1',
    LOG_LEVEL: 'warn',
    FJORD_PUBLIC_URL: 'http://fjord.test',
    ...env,
  };
  const config: Config = testConfig(workerEnv);
  workerEnv.FJORD_DATA_DIR = config.dataDir;
  const db: DbClient = database.db;
  const storage: BlobStore = createBlobStore(config);
  const queues: Queues = createQueues(config);
  const enqueuer: MediaFlowEnqueuer = createMediaFlowEnqueuer({ config, queues });
  const ingest: IngestService = createIngestService({ db, storage, enqueuer, config, logger: silentLogger });
  const workers: SpawnedWorker[] = [];

  /** Starts `node --import tsx apps/worker-<name>/src/main.ts`; resolves once it logs that it started. */
  async function startWorker(
    name: WorkerName,
    extraEnv: Record<string, string> = {},
    /** A command prefix the worker runs under, e.g. straceConnectPrefix(file). */
    opts: { wrap?: string[] } = {},
  ): Promise<SpawnedWorker> {
    const wrap = opts.wrap ?? [];
    // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=…" profiles the workers (bench only; not NODE_OPTIONS).
    const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const argv = [process.execPath, ...nodeArgs, '--import', 'tsx', `apps/worker-${name}/src/main.ts`];
    const child = spawn([...wrap, ...argv][0]!, [...wrap, ...argv].slice(1), {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...workerEnv, LOG_LEVEL: 'info', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
    const worker = {
      name,
      child,
      logs: () => logs,
      signal: (sig: NodeJS.Signals) => signalWrapped(child, wrap.length > 0, sig),
    };
    workers.push(worker);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`worker-${name} exited early:\n${logs}`);
        return logs.includes('worker started');
      },
      // tsx compiles the worker's whole import graph at start: ~30 s on a loaded 2-core machine.
      { timeoutMs: 90_000, intervalMs: 50 },
    );
    return worker;
  }

  async function waitForStatus(mediaId: string, statuses: string[], timeoutMs = 45_000) {
    return waitFor(
      async () => {
        const media = await db.media.findUnique({ where: { id: mediaId } });
        return media && statuses.includes(media.status) ? media : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** A webhook endpoint of `userId` at `url`, as the account page creates one. */
  function createWebhookEndpoint(userId: string, url: string, events: string[]) {
    const secrets = loadSecretCipher(config);
    return createWebhookService({ db, queues, config, secrets }).createEndpoint({ userId, url, events });
  }

  async function stop() {
    await Promise.all(
      workers.map(async ({ child, signal }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await enqueuer.close();
    await queues.close();
    await smtp.close();
    await database.drop();
  }

  return {
    config,
    /** The environment every worker gets (for other processes of the same installation). */
    env: workerEnv,
    db,
    storage,
    queues,
    enqueuer,
    ingest,
    smtp,
    workers,
    startWorker,
    waitForStatus,
    createWebhookEndpoint,
    stop,
  };
}

export type Pipeline = Awaited<ReturnType<typeof startPipeline>>;

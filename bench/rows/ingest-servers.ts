import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '@fjord/auth';
import { createTestDatabase, createTestUser, closedLoopbackPort, waitFor } from '@fjord/testing';
import { benchQueueConfig, removeBenchKeys, sleep } from './queue-bench';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type UploadServer = {
  name: string;
  base: string;
  /** Authorization and whatever else every request needs. */
  headers: Record<string, string>;
  /** Where a streamed POST goes, and where tus uploads are created. */
  mediaPath: string;
  tusPath: string;
  pid: number;
  stop(): Promise<void>;
};

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), sleep(20_000).then(() => child.kill('SIGKILL'))]);
}

/**
 * Builds apps/web for `next start` through Nx, so a fresh clone needs no step before `npm run bench` and
 * a stale build is never measured: unchanged sources are a local cache hit (~1 s), a fresh clone builds
 * in ~1–3 min on 2 cores.
 */
export function buildWeb(log: (line: string) => void): void {
  log('building apps/web for next start (nx run web:build; cached when unchanged)');
  const started = performance.now();
  const result = spawnSync('npx', ['nx', 'run', 'web:build'], {
    cwd: root,
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0)
    throw new Error(`nx run web:build failed (exit ${result.status ?? result.signal})`);
  log(`web build ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The real web app: `next start` on the build in apps/web/.next (made by `buildWeb`), as
 * scripts/start.mjs runs it in production, on a fresh database from the migrated template, its own queue
 * prefix and data folder (the same disk as the bare server's). The API key is made by the service the
 * CLI's `fjord api-key create` calls. Two limits are raised so the bench measures throughput, not policy:
 * UPLOAD_MAX_BYTES (multipart, 50 MB by default) and the per-key rate limit.
 */
export async function startNextWeb(dataDir: string): Promise<UploadServer> {
  const database = await createTestDatabase();
  const user = await createTestUser(database.db);
  const { key } = await createApiKey({ db: database.db, userId: user.id, name: 'bench-ingest' });
  const config = benchQueueConfig('ingest');
  const port = await closedLoopbackPort();
  const nextBin = createRequire(path.join(root, 'apps/web/package.json')).resolve('next/dist/bin/next');
  // BENCH_WEB_NODE_ARGS="--cpu-prof --cpu-prof-dir=…" profiles the web process (not allowed in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_WEB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...nodeArgs, nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)];
  const child = spawn(process.execPath, args, {
    cwd: path.join(root, 'apps/web'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      FJORD_DATA_DIR: dataDir,
      FJORD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HEALTH_PORT: '0',
      SMTP_URL: '',
      UPLOAD_MAX_BYTES: String(256 * 1024 * 1024),
      RATE_LIMIT_REQUESTS: '1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    await removeBenchKeys(config);
    await database.drop().catch(() => undefined);
  };
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
      return (await fetch(`${base}/api/health/live`).catch(() => undefined))?.ok === true;
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  ).catch(async (err: unknown) => {
    // A web that never came up must not leave its database and process behind.
    await stop();
    throw err;
  });
  return {
    name: 'fjord (next start)',
    base,
    headers: { authorization: `Bearer ${key}` },
    mediaPath: '/api/v1/media',
    tusPath: '/api/tus',
    pid: child.pid!,
    stop,
  };
}

/** The hand-written floor: bare-upload-server.ts, writing under the same data folder (`fsync`: durably). */
export async function startBareServer(
  dataDir: string,
  opts: { isDurable?: boolean } = {},
): Promise<UploadServer> {
  const entry = path.join(root, 'bench/rows/bare-upload-server.ts');
  const args = [
    entry,
    path.join(dataDir, opts.isDurable ? 'bare-fsync' : 'bare'),
    ...(opts.isDurable ? ['fsync'] : []),
  ];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  await waitFor(async () => /ready \d+/.test(out), { timeoutMs: 30_000, intervalMs: 50 });
  const port = /ready (\d+)/.exec(out)![1];
  return {
    name: opts.isDurable ? 'bare node:http + fsync' : 'bare node:http',
    base: `http://127.0.0.1:${port}`,
    headers: {},
    mediaPath: '/media',
    tusPath: '/tus',
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}

/** One data folder for both servers, on the same disk; removed afterwards. */
export function createDataDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fjord-bench-ingest-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

#!/usr/bin/env node
// `npm start`: install if needed → Postgres + Redis → migrations → build → admin account → web and the
// three workers under one supervisor. `npm run dev` (--dev): next dev and workers under `tsx watch`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, ensureInstalled, quietToolEnv, root, runCommand } from './lib/run.mjs';
import { createSupervisor } from './lib/supervisor.mjs';

const WORKERS = ['worker-transcode', 'worker-db', 'worker-email', 'worker-webhook'];
// What `nx build` must leave behind for the supervisor to start.
const buildOutputs = ['apps/web/.next/BUILD_ID', ...WORKERS.map((app) => `apps/${app}/dist/main.js`)];
const isDev = process.argv.includes('--dev');
const log = (message) => console.log(`[fjord] ${message}`);

async function main() {
  ensureInstalled();
  // Imported only now: both need packages that the install above may just have put in place.
  const { ensureServices } = await import(pathToFileURL(path.join(root, 'scripts/services.mjs')).href);
  const { tsImport } = await import('tsx/esm/api');

  const { databaseUrl, redisUrl } = await ensureServices();
  const port = process.env.PORT || '3000';
  // Loopback by default: a fresh checkout should not expose an admin console to the network.
  const host = process.env.HOST || '127.0.0.1';
  const env = {
    ...process.env,
    ...quietToolEnv,
    NODE_ENV: process.env.NODE_ENV || (isDev ? 'development' : 'production'),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    PORT: port,
    FJORD_DATA_DIR: path.resolve(root, process.env.FJORD_DATA_DIR || '.data'),
    FJORD_PUBLIC_URL: process.env.FJORD_PUBLIC_URL || `http://localhost:${port}`,
  };

  const { migrateDatabase } = await tsImport('@fjord/db/migrate', import.meta.url);
  await migrateDatabase({ url: databaseUrl, log: (m) => console.log(`[db] ${m}`) });

  if (!isDev) {
    log('building the apps (cached by Nx when nothing changed)');
    const code = await runCommand(bin('nx'), ['run-many', '-t', 'build', '--projects=tag:type:app'], { env });
    if (code !== 0) throw new Error(`build failed (exit ${code})`);
    // A cache hit that restored nothing (an output not declared to Nx) would leave web restarting forever
    // on "Could not find a production build": say so now instead.
    const missing = buildOutputs.filter((file) => !existsSync(path.join(root, file)));
    if (missing.length > 0) {
      throw new Error(
        `the build finished but ${missing.join(', ')} is missing; run \`npx nx reset\` and start again`,
      );
    }
  }

  if (existsSync(path.join(root, 'apps/cli/src/main.ts'))) {
    const code = await runCommand('npm', ['run', '--silent', 'db:seed'], { env });
    if (code !== 0) throw new Error(`npm run db:seed failed (exit ${code})`);
  } else {
    log('apps/cli is not there yet: skipping the admin account');
  }

  startChildren({ env, host, port });
}

function startChildren({ env, host, port }) {
  const supervisor = createSupervisor({ graceMs: 20_000, log });
  const requireFromWeb = createRequire(path.join(root, 'apps/web/package.json'));
  const nextBin = requireFromWeb.resolve('next/dist/bin/next');
  supervisor.add({
    name: 'web',
    args: [nextBin, isDev ? 'dev' : 'start', '-H', host, '-p', port],
    cwd: path.join(root, 'apps/web'),
    env,
  });

  // Each worker has its own health port default; one inherited HEALTH_PORT would make them collide.
  // HEALTH_PORT=0 (health servers off) is passed through: the e2e stack uses it to run beside a dev stack.
  const workerEnv = { ...env };
  if (workerEnv.HEALTH_PORT !== '0') delete workerEnv.HEALTH_PORT;
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  for (const worker of WORKERS) {
    const appDir = path.join(root, 'apps', worker);
    const args = isDev
      ? [tsxCli, 'watch', path.join(appDir, 'src/main.ts')]
      : [path.join(appDir, 'dist/main.js')];
    supervisor.add({ name: worker, args, cwd: appDir, env: workerEnv });
  }

  void announceWhenReady({ host, port, supervisor });

  let firstSignalAt = 0;
  const shutdown = async (signal) => {
    if (firstSignalAt) {
      // The same signal often arrives twice at once (a process-group kill plus a wrapper forwarding it):
      // only a later one, e.g. a second Ctrl-C, means "stop waiting".
      if (Date.now() - firstSignalAt < 2000) return;
      log('second signal: killing everything now');
      supervisor.killAll();
      process.exit(130);
    }
    firstSignalAt = Date.now();
    log(`${signal}: stopping web and workers (up to 20 s; Ctrl-C again to kill)`);
    await supervisor.stopAll();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function announceWhenReady({ host, port, supervisor }) {
  const probeHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${probeHost.includes(':') ? `[${probeHost}]` : probeHost}:${port}`;
  const deadline = Date.now() + (isDev ? 300_000 : 120_000);
  while (Date.now() < deadline && !supervisor.isStopping) {
    try {
      const res = await fetch(`${url}/api/health/live`, { signal: AbortSignal.timeout(5_000) });
      if (res.status < 500) {
        log(
          `ready: ${url.replace(probeHost, probeHost === '127.0.0.1' ? 'localhost' : probeHost)}  (Ctrl-C to stop)`,
        );
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!supervisor.isStopping) log(`web did not answer on ${url} yet; see its output above`);
}

main().catch((error) => {
  console.error(`[fjord] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});

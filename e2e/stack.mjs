#!/usr/bin/env node
// The stack Playwright tests drive: `npm start`'s launcher on its own port, database, queue prefix and data
// folder, with mail written to .eml files that the specs read back.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.E2E_PORT ?? '3100';
const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/fjord');
// Port-scoped names, so two checkouts can run their e2e suites at the same time.
base.pathname = `/fjord_e2e_${port}`;

/**
 * Every run starts from nothing. The database, queue keys and files of this port outlive a run, and a
 * run from another checkout on the same port shares the first two but not the third: an admin spec that
 * acts on all media (bulk reprocess) would then touch rows whose files are elsewhere. Only this stack's
 * own database, its own key prefix and its own folder are removed; a service that is down is left to
 * scripts/start.mjs (it starts empty).
 */
async function resetState() {
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "fjord_e2e_${port}" WITH (FORCE)`);
  } catch (err) {
    console.warn(`[e2e] the previous e2e database was not dropped: ${err.message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*fjord-e2e-${port}[:}]*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } catch (err) {
    console.warn(`[e2e] the previous e2e queue keys were not removed: ${err.message}`);
  } finally {
    redis.disconnect();
  }
  rmSync(path.join(root, `.data/e2e-${port}`), { recursive: true, force: true });
}

await resetState();

const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PORT: port,
    HOST: '127.0.0.1',
    DATABASE_URL: base.toString(),
    QUEUE_PREFIX: `fjord-e2e-${port}`,
    HEALTH_PORT: '0',
    FJORD_DATA_DIR: path.join(root, `.data/e2e-${port}`),
    FJORD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    FJORD_ADMIN_EMAIL: 'admin@e2e.fjord.local',
    FJORD_ADMIN_PASSWORD: 'e2e-admin-password-123',
    SMTP_URL: '',
    LOG_LEVEL: 'warn',
    // One eager preset, as a site with a thumbnail grid would set: every image flow renders it into the
    // /img cache, and the console's bulk reprocess offers its cache-only mode (admin-bulk-reprocess.spec).
    IMAGE_EAGER_PRESETS: 'thumb',
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

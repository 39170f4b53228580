#!/usr/bin/env node
// The stack Playwright tests drive: `npm start`'s launcher on its own port, database, queue prefix and data
// folder, with mail written to .eml files that the specs read back.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.E2E_PORT ?? '3100';
const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/fjord');
// Port-scoped names, so two checkouts can run their e2e suites at the same time.
base.pathname = `/fjord_e2e_${port}`;

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
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

#!/usr/bin/env node
// Generates the Prisma client offline. Generation never runs the native schema engine, but the CLI
// insists on finding one: point it at a harmless executable so it never downloads (ADR 0001).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prismaBin = path.join(root, 'node_modules/.bin/prisma');
if (!existsSync(prismaBin)) {
  console.log('[prisma-generate] prisma CLI not installed yet; skipping');
  process.exit(0);
}
const result = spawnSync(prismaBin, ['generate'], {
  cwd: path.join(root, 'libs/db'),
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);

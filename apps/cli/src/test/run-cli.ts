import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** `fjord <args>` as a child process with only `env` (and PATH): its exit code and stdout+stderr. */
export function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The environment a `fjord` child needs to reach a PersonWorld's database, Redis queues and data dir. */
export function cliEnvOf(world: {
  database: { url: string };
  config: { REDIS_URL: string; QUEUE_PREFIX: string; dataDir: string };
}): Record<string, string> {
  const { config } = world;
  return {
    DATABASE_URL: world.database.url,
    REDIS_URL: config.REDIS_URL,
    QUEUE_PREFIX: config.QUEUE_PREFIX,
    FJORD_DATA_DIR: config.dataDir,
  };
}

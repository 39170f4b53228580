// Helpers for the launcher and the test runner. Node built-ins only: this runs before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Environment for Nx/Next that never phones home and never leaves a daemon behind. */
export const quietToolEnv = { NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NEXT_TELEMETRY_DISABLED: '1' };

export function bin(name) {
  return path.join(root, 'node_modules', '.bin', name);
}

/**
 * `npm install` when node_modules is missing or older than package-lock.json. Not `npm ci`: the lockfile
 * names optional binaries for other platforms that the registry here lacks (docs: toolchain notes).
 */
export function ensureInstalled() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const isStale =
    !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
  if (!isStale) return false;
  console.log('[install] node_modules is missing or older than package-lock.json: running npm install');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm install failed (exit ${result.status})`);
  // npm leaves the marker alone when nothing changed; touch it so the next start does not reinstall.
  if (existsSync(marker)) utimesSync(marker, new Date(), new Date());
  return true;
}

/** Runs a command with inherited stdio; resolves to its exit code (signals count as failure). */
export function runCommand(cmd, args, { env = process.env, cwd = root } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`[run] could not start ${cmd}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Copies a stream to out, line by line, each line prefixed (so interleaved children stay readable). */
export function pipeWithPrefix(stream, prefix, out) {
  readline
    .createInterface({ input: stream, crlfDelay: Infinity })
    .on('line', (line) => out.write(`${prefix}${line}\n`));
}

export function formatMs(ms) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

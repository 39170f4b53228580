// Keeps long-lived Node children running: restarts one that dies with exponential backoff, stops all
// gracefully (one SIGTERM each, then SIGKILL after a grace period). Children get their own process
// groups, so a terminal's Ctrl-C or a group kill is not delivered to them twice (the workers treat a
// second signal as "exit now"); exit-with-parent.mjs stops them if the supervisor dies.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pipeWithPrefix, root } from './run.mjs';

const exitWithParent = pathToFileURL(path.join(root, 'scripts/lib/exit-with-parent.mjs')).href;

const COLORS = [36, 35, 33, 32, 34, 31];
const MAX_BACKOFF_MS = 30_000;
/** A child that stayed up this long is considered healthy again: its backoff starts over. */
const HEALTHY_AFTER_MS = 60_000;

export function createSupervisor({ graceMs = 20_000, log = (m) => console.log(`[fjord] ${m}`) } = {}) {
  const children = [];
  let isStopping = false;

  /** Runs `node [--import exit-with-parent] ...args`. */
  function add({ name, args, cwd = root, env = process.env }) {
    const color = COLORS[children.length % COLORS.length];
    const prefix = process.stdout.isTTY
      ? `\x1b[${color}m${name.padEnd(16)}\x1b[0m| `
      : `${name.padEnd(16)}| `;
    const child = { name, proc: null, timer: null, failures: 0 };
    children.push(child);

    const start = () => {
      const startedAt = Date.now();
      const proc = spawn(process.execPath, [`--import=${exitWithParent}`, ...args], {
        cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      child.proc = proc;
      pipeWithPrefix(proc.stdout, prefix, process.stdout);
      pipeWithPrefix(proc.stderr, prefix, process.stderr);
      proc.on('error', (error) => log(`${name}: could not start: ${error.message}`));
      proc.on('exit', (code, signal) => {
        child.proc = null;
        if (isStopping) return;
        if (Date.now() - startedAt > HEALTHY_AFTER_MS) child.failures = 0;
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** child.failures);
        child.failures += 1;
        log(`${name} exited unexpectedly (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s`);
        child.timer = setTimeout(() => {
          child.timer = null;
          if (!isStopping) start();
        }, delay);
      });
    };
    start();
  }

  async function stopChild(child) {
    if (child.timer) clearTimeout(child.timer);
    const proc = child.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      log(`${child.name} did not stop within ${graceMs / 1000} s: SIGKILL`);
      proc.kill('SIGKILL');
      await exited;
    }
  }

  // Last resort if the supervisor exits without stopAll (an exception): take the children along.
  process.on('exit', () => {
    for (const c of children) c.proc?.kill('SIGKILL');
  });

  return {
    add,
    get isStopping() {
      return isStopping;
    },
    /** Stops every child (in parallel); resolves when all have exited. */
    async stopAll() {
      isStopping = true;
      await Promise.all(children.map(stopChild));
    },
    /** Last resort on a second Ctrl-C. */
    killAll() {
      isStopping = true;
      for (const c of children) c.proc?.kill('SIGKILL');
    },
  };
}

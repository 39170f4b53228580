import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedLoopbackPort } from './loopback';
import { waitFor } from './wait-for';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** One PING over a raw socket; true on PONG. */
function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export type OwnRedisServer = {
  url: string;
  port: number;
  /** SIGKILLs it and starts it again on the same port, empty; resolves once it answers PING again. */
  restartEmpty(): Promise<{ answeredAt: number }>;
  stop(): Promise<void>;
};

/**
 * A redis-server of the test's own, on a free loopback port, with no persistence at all (no RDB
 * snapshots, no AOF), so a restart comes back empty: the broker a careless deployment runs. Its dir is
 * under the worktree's `.data/`. Never touches the shared Redis. `args` are appended (later wins).
 */
export async function startOwnRedisServer(label: string, args: string[] = []): Promise<OwnRedisServer> {
  let port = await closedLoopbackPort();
  const dir = path.join(repoRoot, '.data', 'test-redis', `${label}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  let child: ChildProcess | undefined;

  async function start(): Promise<number> {
    const proc = spawn(
      'redis-server',
      [
        ...['--bind', '127.0.0.1', '--port', String(port), '--dir', dir],
        ...['--save', '', '--appendonly', 'no'],
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let logs = '';
    proc.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
    child = proc;
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`redis-server exited:\n${logs}`);
        return ping(port);
      },
      { timeoutMs: 10_000, intervalMs: 20, message: `own redis-server on ${port}` },
    );
    return Date.now();
  }

  async function kill(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  }

  // A closed port can be taken by a parallel test before redis-server binds it: pick another (bounded).
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (err) {
      if (attempt >= 5 || !/Address already in use/.test(String(err))) throw err;
      port = await closedLoopbackPort();
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restartEmpty() {
      await kill();
      return { answeredAt: await start() };
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

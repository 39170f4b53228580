import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '@fjord/auth';
import type { DbClient } from '@fjord/db';
import { waitFor } from '@fjord/testing';
import { signalWrapped } from './pipeline-harness';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type WebProcess = {
  child: ChildProcess;
  port: number;
  logs(): string;
  /** Signals web itself (under a `wrap` such as strace, `child` is the wrapper). */
  signal(sig: NodeJS.Signals): void;
};

/**
 * Starts tests/pipeline/web-http.server.ts with `env`; resolves once it listens. `wrap` is a command
 * prefix it runs under, e.g. straceConnectPrefix(file).
 */
export async function startWebProcess(
  env: Record<string, string>,
  opts: { wrap?: string[] } = {},
): Promise<WebProcess> {
  const wrap = opts.wrap ?? [];
  const argv = [...wrap, process.execPath, '--import', 'tsx', 'tests/pipeline/web-http.server.ts'];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  const port = await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`web exited early:\n${logs}`);
      const m = /web listening (\d+)/.exec(logs);
      return m ? Number(m[1]) : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 50, message: 'the web process to listen' },
  );
  return {
    child,
    port,
    logs: () => logs,
    signal: (sig) => signalWrapped(child, wrap.length > 0, sig),
  };
}

/** SIGTERM to web (through any wrapper), SIGKILL after 10 s; resolves once it has exited. */
export async function stopWebProcess(web: WebProcess | undefined): Promise<void> {
  if (!web || web.child.exitCode !== null || web.child.signalCode !== null) return;
  const exited = once(web.child, 'exit');
  web.signal('SIGTERM');
  const timer = setTimeout(() => web.signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** An API key with the upload scope for a user of this installation. */
export async function createUploadKey(db: DbClient, userId: string): Promise<string> {
  const { key } = await createApiKey({ db, userId, name: 'crash-test' });
  return key;
}

export type UploadResponse = { status: number; body: { id?: string; status?: string } };

/**
 * POST /api/v1/media as a client does (octet-stream + X-Filename). `body` chunks are written in turn;
 * `beforeEnd` runs before the last one, so a test can act while the request is still streaming.
 */
export function uploadOverHttp(input: {
  port: number;
  apiKey: string;
  filename: string;
  chunks: Buffer[];
  beforeEnd?: () => Promise<void>;
}): Promise<UploadResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: input.port,
        method: 'POST',
        path: '/api/v1/media',
        headers: {
          authorization: `Bearer ${input.apiKey}`,
          'content-type': 'application/octet-stream',
          'x-filename': input.filename,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: {} });
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    void (async () => {
      const chunks = input.chunks;
      for (let i = 0; i < chunks.length - 1; i++) req.write(chunks[i]);
      await input.beforeEnd?.();
      req.end(chunks[chunks.length - 1]);
    })().catch(reject);
  });
}

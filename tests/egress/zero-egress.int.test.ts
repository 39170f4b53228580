import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJpegFixture, createVideoFixture } from '@fjord/media/testing';
import {
  closedLoopbackPort,
  createTestUser,
  destinationCounts,
  listenOnLoopback,
  parseConnectTrace,
  straceConnectPrefix,
  unexpectedConnects,
  waitFor,
  type ConnectRecord,
} from '@fjord/testing';
import { startPipeline, type Pipeline, type WorkerName } from '../pipeline/pipeline-harness';
import {
  createUploadKey,
  startWebProcess,
  stopWebProcess,
  uploadOverHttp,
  type WebProcess,
} from '../pipeline/web-process';

const WORKERS: WorkerName[] = ['transcode', 'db', 'email', 'webhook'];

const hostPort = (url: string, defaultPort: number) => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || defaultPort}`;
};

/**
 * "Nothing phones home", shown: web and every worker (real entrypoints) run under
 * `strace -f -e trace=connect`, which records every connect() of each process and of everything it
 * starts (its threads, ffmpeg). An image and a video go through HTTP to READY, with the notification
 * email to the SMTP listener and the webhooks to a loopback receiver. Then every destination in the
 * traces must be a service this test configured — Postgres, Redis, SMTP, the receiver, web's own port —
 * and anything else fails the test with the list. The first test shows the same recording and check
 * catch a deliberate fetch('http://192.0.2.1'); libs/testing/src/connect-trace.test.ts tests the parser.
 */
describe('zero egress: every connect() of web and the workers goes to a configured service', () => {
  let p: Pipeline;
  let web: WebProcess;
  let traceDir: string;
  let receiverPort = 0;
  const healthPorts: number[] = [];
  const hooks: string[] = [];
  const receiver = http.createServer((req, res) => {
    hooks.push(req.headers['x-fjord-event']?.toString() ?? req.url ?? '');
    req.resume().on('end', () => res.end('ok'));
  });
  const traceFile = (name: string) => path.join(traceDir, `${name}.strace`);

  beforeAll(async () => {
    traceDir = await mkdtemp(path.join(os.tmpdir(), 'fjord-egress-'));
    receiverPort = await listenOnLoopback(receiver);
    p = await startPipeline('egress', {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      AVIF_EFFORT: '0',
      FFMPEG_THREADS: '1',
      // Not the harness' 2 s: strace slows every syscall a little; no job should run twice.
      WORKER_LOCK_DURATION_MS: '15000',
    });
    const webStarted = startWebProcess(
      { ...p.env, LOG_LEVEL: 'warn' },
      { wrap: straceConnectPrefix(traceFile('web')) },
    );
    await Promise.all(
      WORKERS.map(async (name) => {
        const port = await closedLoopbackPort();
        healthPorts.push(port);
        await p.startWorker(
          name,
          { HEALTH_PORT: String(port) },
          { wrap: straceConnectPrefix(traceFile(`worker-${name}`)) },
        );
      }),
    );
    web = await webStarted;
  }, 240_000);

  afterAll(async () => {
    await stopWebProcess(web);
    await p?.stop();
    receiver.close();
    if (traceDir) await rm(traceDir, { recursive: true, force: true });
  });

  const allowed = () => ({
    tcp: [
      hostPort(p.config.DATABASE_URL, 5432),
      hostPort(p.config.REDIS_URL, 6379),
      hostPort(p.smtp.url, 25),
      `127.0.0.1:${receiverPort}`,
      `127.0.0.1:${web.port}`,
      ...healthPorts.map((port) => `127.0.0.1:${port}`),
    ],
    // tsx (these are the .ts entrypoints) asks for its parent's IPC pipe at start; a built install runs
    // plain node and has none.
    // Under the children's temp dir: they get no TMPDIR (a bare env), while npm test gives this process one.
    unixPrefixes: [...new Set([os.tmpdir(), '/tmp'])].map(
      (dir) => path.join(dir, `tsx-${os.userInfo().uid}`) + path.sep,
    ),
  });

  it('the recording catches a deliberate fetch to 192.0.2.1 (the check can fail)', async () => {
    const file = traceFile('canary');
    const [cmd, ...args] = straceConnectPrefix(file);
    const run = spawnSync(
      cmd!,
      [
        ...args,
        process.execPath,
        '-e',
        "fetch('http://192.0.2.1/', { signal: AbortSignal.timeout(300) }).catch(() => {}).finally(() => process.exit(0))",
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const found = unexpectedConnects(parseConnectTrace(await readFile(file, 'utf8')), allowed());
    expect(found.map((r) => r.destination)).toEqual(['192.0.2.1:80']);
  });

  it('an image and a video reach READY with email and webhooks, and nothing connects elsewhere', async () => {
    const owner = await createTestUser(p.db);
    const apiKey = await createUploadKey(p.db, owner.id);
    await p.createWebhookEndpoint(owner.id, `http://127.0.0.1:${receiverPort}/hook`, [
      'media.ready',
      'media.failed',
    ]);
    const [jpeg, mp4] = await Promise.all([
      createJpegFixture({ width: 640, height: 480 }),
      createVideoFixture({ width: 320, height: 240, seconds: 1 }),
    ]);
    const image = await uploadOverHttp({ port: web.port, apiKey, filename: 'a.jpg', chunks: [jpeg] });
    const video = await uploadOverHttp({ port: web.port, apiKey, filename: 'v.mp4', chunks: [mp4] });
    expect([image.status, video.status]).toEqual([202, 202]);
    const [i, v] = await Promise.all([
      p.waitForStatus(image.body.id!, ['READY', 'FAILED'], 150_000),
      p.waitForStatus(video.body.id!, ['READY', 'FAILED'], 150_000),
    ]);
    expect([i.status, v.status]).toEqual(['READY', 'READY']);
    await p.smtp.waitForMessages(2, 30_000);
    await waitFor(() => hooks.length >= 2 || undefined, {
      timeoutMs: 30_000,
      message: `2 webhook deliveries, got ${hooks.length}`,
    });

    // Stop them all (strace writes its file as it goes; the exit closes it), then read every trace.
    const running = [web, ...p.workers].filter((w) => w.child.exitCode === null);
    await Promise.all(
      running.map(async (w) => {
        const exited = once(w.child, 'exit');
        w.signal('SIGTERM');
        await exited;
      }),
    );
    const traces: Record<string, ConnectRecord[]> = {};
    for (const name of ['web', ...WORKERS.map((w) => `worker-${w}`)])
      traces[name] = parseConnectTrace(await readFile(traceFile(name), 'utf8'));

    const unexpected = Object.entries(traces).flatMap(([name, records]) =>
      unexpectedConnects(records, allowed()).map((r) => `${name}: ${r.destination} (${r.line})`),
    );
    expect(unexpected, `connect() to destinations nobody configured:\n${unexpected.join('\n')}`).toEqual([]);

    // The recording saw the traffic it should: otherwise an empty trace would pass.
    const seen = (name: string) => [...destinationCounts(traces[name]!).keys()];
    const [pg, redis, smtp] = allowed().tcp;
    for (const name of Object.keys(traces)) expect(seen(name)).toEqual(expect.arrayContaining([pg, redis]));
    expect(seen('worker-email')).toContain(smtp);
    expect(seen('worker-webhook')).toContain(`127.0.0.1:${receiverPort}`);
  }, 240_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedLoopbackPort, testConfig, uniquePrefix, waitFor } from '@fjord/testing';
import { createQueues, type Queues } from './queues';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/slow-worker.fixture.ts');

function startFixture(env: Record<string, string>, healthPort: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fixture, JSON.stringify(env), String(healthPort)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, output: () => stdout, errors: () => stderr };
}

describe('runWorker (a real worker process)', () => {
  const env = {
    QUEUE_PREFIX: uniquePrefix('run-worker'),
    WORKER_LOCK_DURATION_MS: '2000',
    LOG_LEVEL: 'silent',
  };
  let queues: Queues;
  let worker: ReturnType<typeof startFixture>;
  let healthPort: number;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    queues = createQueues(testConfig(env));
    healthPort = await closedLoopbackPort();
    worker = startFixture(env, healthPort);
    children.push(worker.child);
    await waitFor(async () => worker.output().includes('READY'), { timeoutMs: 20_000, intervalMs: 50 });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await queues.close();
  });

  it('serves liveness, readiness and Prometheus metrics', async () => {
    const base = `http://127.0.0.1:${healthPort}`;
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE fjord_jobs_completed_total counter$/m);
    expect(text).toMatch(/^fjord_jobs_active\{queue="transcode"\} 0$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^fjord_queue_backlog\{queue="transcode"\} 0$/m);
  });

  it('exports the queue backlog (waiting + prioritized + delayed) for autoscaling', async () => {
    const delayed = await Promise.all(
      [1, 2].map((n) => queues.transcode.add('slow', { ms: 1, n }, { delay: 600_000 })),
    );
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    await Promise.all(delayed.map((job) => job.remove()));
    expect(metrics).toMatch(/^fjord_queue_backlog\{queue="transcode"\} 2$/m);
  });

  it('on SIGTERM finishes the active job, then exits 0', async () => {
    const job = await queues.transcode.add('slow', { ms: 1_500 }, { attempts: 1 });
    await waitFor(async () => worker.output().includes(`STARTED ${job.id}`), {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];

    expect(code).toBe(0);
    const finished = await queues.transcode.getJob(job.id!);
    expect(await finished?.getState()).toBe('completed');
    expect(finished?.returnvalue).toEqual({ finishedBy: worker.child.pid });
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { processCpuSeconds } from './cpu-time';
import { createApiKey } from '@fjord/auth';
import { createTestUser, toWebRequest } from '@fjord/testing';
import { closeWebServices, createRestHandlers, createWebServices } from '@fjord/http';
// The pipeline harness of tests/ (the real workers); `tests` is no package to import by name.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startPipeline, type Pipeline } from '../../tests/pipeline/pipeline-harness';

/**
 * Production settings for the workers: startPipeline pins test values (SHARP_CONCURRENCY=1, 2 s locks,
 * fast backoff) that a bench must not measure. An empty value means "unset" to parseConfig, so the
 * machine-derived defaults apply.
 */
const PRODUCTION_WORKER_ENV: Record<string, string> = {
  SHARP_CONCURRENCY: '',
  WORKER_LOCK_DURATION_MS: '',
  JOB_BACKOFF_MS: '',
  RATE_LIMIT_REQUESTS: '100000',
  LOG_LEVEL: 'warn',
};

export type UploadResult = { id: string; startedAt: number; acceptedAt: number };

/**
 * The whole stack a user talks to: the web app's real REST handlers (`POST /api/v1/media`, API-key
 * auth, rate limit, idempotency) behind a real node:http socket, and the real worker entrypoints
 * (transcode, db, email) as child processes on their own database and Redis prefix.
 */
export async function startMediaStack(label: string, env: Record<string, string> = {}) {
  const pipeline: Pipeline = await startPipeline(label, { ...PRODUCTION_WORKER_ENV, ...env });
  const services = createWebServices(pipeline.config);
  const rest = createRestHandlers(services);
  const user = await createTestUser(services.db, { email: `bench-${label}-${Date.now()}@fjord.test` });
  const { key } = await createApiKey({ db: services.db, userId: user.id, name: 'bench' });
  const server = http.createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    rest
      .createMedia(toWebRequest(req, port))
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/media`;

  async function startWorkers(): Promise<void> {
    await Promise.all([
      pipeline.startWorker('transcode'),
      pipeline.startWorker('db'),
      pipeline.startWorker('email'),
    ]);
  }

  // Keep-alive, like a real uploader's connection pool; the bench client must cost next to nothing, since
  // its CPU lands in this process beside the web handlers (undici's FormData streaming cost ~0.05 CPU-s
  // per 3 MB photo under load, a quarter of this process' share in `image-e2e`).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  /** One multipart upload over HTTP with the API key, framed around the bytes as they are; resolves on the 202. */
  async function upload(body: Buffer, filename: string, type: string): Promise<UploadResult> {
    const boundary = `fjordbench${Math.random().toString(36).slice(2)}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        `Content-Type: ${type}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const startedAt = performance.now();
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + body.length + tail.length),
        },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (answer += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: answer }));
        res.on('error', reject);
      });
      req.write(head);
      req.write(body);
      req.end(tail);
    });
    const acceptedAt = performance.now();
    if (status !== 202) throw new Error(`upload of ${filename} answered ${status}: ${text}`);
    return { id: (JSON.parse(text) as { id: string }).id, startedAt, acceptedAt };
  }

  // READY as a client watching live sees it: the `ready` event finalize publishes right after its commit
  // (what the web page's SSE stream follows). Events are fire-and-forget, so Postgres stays the judge:
  // waitReady still polls it, slowly, for anything whose event was missed.
  const readyEvents = new Map<string, number>();
  const failedEvents = new Set<string>();
  let wake: () => void = () => undefined;
  const unsubscribe = services.events.subscribe('*', (event) => {
    if (event.type === 'ready') readyEvents.set(event.mediaId, performance.now());
    else if (event.type === 'failed') failedEvents.add(event.mediaId);
    else return;
    wake();
  });
  await services.events.ready();

  /**
   * Resolves once every id is READY, with when each was first seen READY (performance.now()): from its
   * event, or from a Postgres poll every `pollMs` when the event was missed. A FAILED media or no
   * progress for `stallMs` fails the bench: a figure from a broken run is no figure.
   */
  async function waitReady(ids: string[], { pollMs = 250, stallMs = 180_000 } = {}) {
    const readyAt = new Map<string, number>();
    let lastProgress = performance.now();
    let lastPoll = performance.now();
    while (readyAt.size < ids.length) {
      const now = performance.now();
      for (const id of ids) {
        if (failedEvents.has(id)) throw new Error(`media ${id} FAILED during the bench`);
        const at = readyEvents.get(id);
        if (at !== undefined && !readyAt.has(id)) {
          readyAt.set(id, at);
          lastProgress = now;
        }
      }
      if (readyAt.size < ids.length && now - lastPoll >= pollMs) {
        lastPoll = now;
        const pending = ids.filter((id) => !readyAt.has(id));
        const done = await pipeline.db.media.findMany({
          where: { id: { in: pending }, status: { in: ['READY', 'FAILED'] } },
          select: { id: true, status: true },
        });
        for (const media of done) {
          if (media.status === 'FAILED') throw new Error(`media ${media.id} FAILED during the bench`);
          readyAt.set(media.id, readyEvents.get(media.id) ?? performance.now());
          lastProgress = performance.now();
        }
      }
      if (now - lastProgress > stallMs) {
        throw new Error(`no media READY for ${stallMs / 1000} s (${readyAt.size}/${ids.length})`);
      }
      if (readyAt.size < ids.length) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    return readyAt;
  }

  async function stop(): Promise<void> {
    unsubscribe();
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
    await closeWebServices(services);
    await pipeline.stop();
  }

  return { pipeline, config: pipeline.config, startWorkers, upload, waitReady, stop };
}

/** The parallelism the stack's workers run with (the same parse of the same env as in the workers). */
export function describeWorkerParallelism(stack: MediaStack): string {
  const { TRANSCODE_CONCURRENCY, sharpConcurrency, ffmpegThreads } = stack.config;
  return `transcode ${TRANSCODE_CONCURRENCY} jobs × ${sharpConcurrency} libvips threads / ${ffmpegThreads} ffmpeg threads`;
}

export type MediaStack = Awaited<ReturnType<typeof startMediaStack>>;

/** CPU seconds so far of the bench process (web handlers, client) and of each worker with its children. */
export async function cpuByProcess(stack: MediaStack): Promise<[string, number][]> {
  const named: [string, number | undefined][] = [
    ['bench (web + client)', process.pid],
    ...stack.pipeline.workers.map((w): [string, number | undefined] => [w.name, w.child.pid]),
  ];
  return Promise.all(
    named.map(async ([name, pid]): Promise<[string, number]> => [name, await processCpuSeconds(pid)]),
  );
}

/** CPU seconds each process used between two `cpuByProcess` readings, and their sum. */
export function cpuSince(before: [string, number][], after: [string, number][]) {
  const used = after.map(([name, cpu], i): [string, number] => [name, cpu - before[i]![1]]);
  return { used, total: used.reduce((sum, [, cpu]) => sum + cpu, 0) };
}

/** "bench (web + client) 0.091, transcode 1.017, …": CPU seconds per unit, by process. */
export function describeCpu(used: [string, number][], units: number): string {
  return used.map(([name, cpu]) => `${name} ${(cpu / units).toFixed(3)}`).join(', ');
}

/** Runs `fn` over `items` with at most `parallel` in flight, in order of start. */
export async function inParallel<T, R>(items: T[], parallel: number, fn: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
  return results;
}

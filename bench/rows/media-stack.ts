import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

  /** One multipart upload over HTTP with the API key; resolves on the 202. */
  async function upload(body: Buffer, filename: string, type: string): Promise<UploadResult> {
    const form = new FormData();
    form.append('file', new File([new Uint8Array(body)], filename, { type }));
    const startedAt = performance.now();
    const res = await fetch(url, { method: 'POST', body: form, headers: { authorization: `Bearer ${key}` } });
    const acceptedAt = performance.now();
    const text = await res.text();
    if (res.status !== 202) throw new Error(`upload of ${filename} answered ${res.status}: ${text}`);
    return { id: (JSON.parse(text) as { id: string }).id, startedAt, acceptedAt };
  }

  /**
   * Polls Postgres until every id is READY; returns when each was first seen READY (performance.now()).
   * A FAILED media or no progress for `stallMs` fails the bench: a figure from a broken run is no figure.
   */
  async function waitReady(ids: string[], { intervalMs = 20, stallMs = 180_000 } = {}) {
    const readyAt = new Map<string, number>();
    let lastProgress = performance.now();
    while (readyAt.size < ids.length) {
      const pending = ids.filter((id) => !readyAt.has(id));
      const done = await pipeline.db.media.findMany({
        where: { id: { in: pending }, status: { in: ['READY', 'FAILED'] } },
        select: { id: true, status: true },
      });
      const now = performance.now();
      for (const media of done) {
        if (media.status === 'FAILED') throw new Error(`media ${media.id} FAILED during the bench`);
        readyAt.set(media.id, now);
        lastProgress = now;
      }
      if (now - lastProgress > stallMs) {
        throw new Error(`no media READY for ${stallMs / 1000} s (${readyAt.size}/${ids.length})`);
      }
      if (readyAt.size < ids.length) await new Promise((r) => setTimeout(r, intervalMs));
    }
    return readyAt;
  }

  async function stop(): Promise<void> {
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

import { once } from 'node:events';
import { createTestUser } from '@fjord/testing';
import { startPipeline, type Pipeline, type SpawnedWorker } from '../pipeline/pipeline-harness';
import type { GeneratedImage } from './scale-images';

export type BurstOptions = {
  label: string;
  images: GeneratedImage[];
  transcodeReplicas: number;
  dbReplicas: number;
  emailReplicas: number;
  /** SIGKILL the first transcode replica once this share of the media is READY (0 < x < 1). */
  killTranscodeAt?: number;
  /** Fail when no media reaches an end state for this long (a stuck pipeline, not a slow machine). */
  stallTimeoutMs?: number;
  log?: (line: string) => void;
};

export type KilledReplica = { pid: number; activeJobIds: string[]; killedAt: number };

export type BurstResult = {
  pipeline: Pipeline;
  mediaIds: string[];
  transcode: SpawnedWorker[];
  db: SpawnedWorker[];
  email: SpawnedWorker[];
  /** First upload accepted → last media READY or FAILED. */
  elapsedMs: number;
  ingestMs: number;
  killed?: KilledReplica;
};

/** Uploads in parallel, as a burst from many clients would arrive (bounded, like a web tier's pool). */
const INGEST_PARALLELISM = 16;

/** Worker name `<host>.<pid>.<version>.c<concurrency>` (runWorker) → pid. */
export function pidOfWorkerName(name: string | undefined): number | undefined {
  const match = /\.(\d+)\.[\w-]+\.c\d+$/.exec(name ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * One burst against a fresh pipeline (own database, Redis prefix, SMTP listener): the real worker
 * entrypoints as child processes, every image through the real ingest path, then wait until every
 * media reached an end state and every notify job finished. The caller checks and stops the pipeline.
 */
export async function runBurst(opts: BurstOptions): Promise<BurstResult> {
  const log = opts.log ?? (() => undefined);
  const p = await startPipeline(opts.label, {
    // Long enough that a busy 2-core machine never misses a renewal (a false stall would re-run a job,
    // which is correct but muddies "ran once"); short enough that a killed replica's jobs move on soon.
    WORKER_LOCK_DURATION_MS: '10000',
    TRANSCODE_CONCURRENCY: '2',
  });
  try {
    const start = (name: 'transcode' | 'db' | 'email', n: number) =>
      Promise.all(Array.from({ length: n }, () => p.startWorker(name)));
    const [transcode, db, email] = [
      await start('transcode', opts.transcodeReplicas),
      await start('db', opts.dbReplicas),
      await start('email', opts.emailReplicas),
    ];
    log(
      `workers up: transcode ${transcode.map((w) => w.child.pid).join(',')}; ` +
        `db ${db.map((w) => w.child.pid).join(',')}; email ${email.map((w) => w.child.pid).join(',')}`,
    );
    const owners = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        createTestUser(p.db, { email: `scale-${i}-${Date.now()}@fjord.test` }),
      ),
    );

    const started = Date.now();
    const mediaIds: string[] = new Array(opts.images.length);
    let next = 0;
    const ingestOne = async () => {
      while (next < opts.images.length) {
        const i = next++;
        const image = opts.images[i]!;
        const { id } = await p.ingest.ingestUpload({
          ownerId: owners[i % owners.length]!.id,
          filename: image.filename,
          body: image.body,
        });
        mediaIds[i] = id;
      }
    };
    const ingesting = Promise.all(Array.from({ length: INGEST_PARALLELISM }, ingestOne));

    let killed: KilledReplica | undefined;
    let ingestMs = 0;
    let ingestError: unknown;
    ingesting.then(
      () => (ingestMs = Date.now() - started),
      (error: unknown) => (ingestError = error),
    );
    const total = opts.images.length;
    const stallTimeoutMs = opts.stallTimeoutMs ?? 120_000;
    let lastDone = -1;
    let lastChange = Date.now();
    let lastReport = 0;
    for (;;) {
      const done = await p.db.media.count({ where: { status: { in: ['READY', 'FAILED'] } } });
      if (done !== lastDone) {
        lastDone = done;
        lastChange = Date.now();
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`  ${done}/${total} done after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      if (opts.killTranscodeAt !== undefined && !killed && done >= total * opts.killTranscodeAt) {
        killed = await killTranscodeReplica(p, transcode[0]!);
        log(
          `  SIGKILL transcode replica ${killed.pid} at ${done}/${total} done, ` +
            `with ${killed.activeJobIds.length} job(s) in hand`,
        );
      }
      if (ingestError) throw ingestError;
      if (done >= total) break;
      if (Date.now() - lastChange > stallTimeoutMs) {
        throw new Error(`no media finished for ${stallTimeoutMs / 1000} s (${done}/${total} done)`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsedMs = Date.now() - started;
    await ingesting;

    // Every notify job finished (sent, or a no-op because its Notification row says it was sent).
    for (;;) {
      const counts = await p.queues.email.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const pending = Object.values(counts).reduce((a, b) => a + b, 0);
      const notified = await p.db.notification.count({ where: { sentAt: { not: null } } });
      if (pending === 0 && notified >= total) break;
      if (Date.now() - lastChange > stallTimeoutMs) {
        throw new Error(`notifications stuck: ${notified}/${total} sent, ${pending} notify jobs pending`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return { pipeline: p, mediaIds, transcode, db, email, elapsedMs, ingestMs, killed };
  } catch (error) {
    await p.stop();
    throw error;
  }
}

/** Waits until the replica holds at least one active job, then SIGKILLs it (no graceful close). */
async function killTranscodeReplica(p: Pipeline, worker: SpawnedWorker): Promise<KilledReplica> {
  const pid = worker.child.pid!;
  let activeJobIds: string[] = [];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const active = await p.queues.transcode.getJobs(['active'], 0, -1);
    activeJobIds = active.filter((j) => j && pidOfWorkerName(j.processedBy) === pid).map((j) => j.id!);
    if (activeJobIds.length > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const exited = once(worker.child, 'exit');
  worker.child.kill('SIGKILL');
  await exited;
  return { pid, activeJobIds, killedAt: Date.now() };
}

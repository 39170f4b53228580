import { once } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { waitFor } from '@fjord/testing';
import { expectedStoredBytes, storedRenditionBytes } from '@fjord/storage';
import type { Pipeline, SpawnedWorker, WorkerName } from '../pipeline/pipeline-harness';
import type { WebProcess } from '../pipeline/web-process';

export type Target = 'transcode-image' | 'transcode-video' | 'db' | 'email' | 'webhook' | 'web';
// Videos are uploaded first and done first; web only while uploads are still arriving.
const ROTATION: Target[] = ['transcode-video', 'transcode-image', 'db', 'web', 'email', 'webhook'];
/** Polls per target (150 ms apart) before the rotation moves on: no job of that kind active right now. */
const TRIES_PER_TARGET = 40;
export const TARGETS = ROTATION;

export function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sigkill(child: SpawnedWorker['child']): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/**
 * SIGKILLs a process of each kind in turn at random moments, only while it holds an active job of that
 * kind (mid-job: found by the job's processedBy, `<host>.<pid>.…`), and starts a new one at once, as a
 * supervisor would. Bounded by `kills` and 30 minutes.
 */
export function startKiller(input: {
  pipeline: Pipeline;
  kills: number;
  currentWeb(): WebProcess | undefined;
  /** true while clients are still sending uploads: killing an idle web would kill no request. */
  isUploading(): boolean;
  restartWeb(): Promise<unknown>;
  log(line: string): void;
}) {
  const p = input.pipeline;
  const killed = Object.fromEntries(ROTATION.map((t) => [t, 0])) as Record<Target, number>;
  const restarts: Promise<unknown>[] = [];
  let isStopped = false;
  const queueOf: Record<Exclude<Target, 'web'>, [Queue, WorkerName, string?]> = {
    'transcode-image': [p.queues.transcode, 'transcode', 'transcode-image'],
    'transcode-video': [p.queues.transcode, 'transcode', 'transcode-video'],
    db: [p.queues.db, 'db'],
    email: [p.queues.email, 'email'],
    webhook: [p.queues.webhooks, 'webhook'],
  };

  async function killOne(target: Target): Promise<boolean> {
    if (target === 'web') {
      const web = input.currentWeb();
      if (!web || web.child.exitCode !== null || !input.isUploading()) return false;
      await sigkill(web.child);
      restarts.push(input.restartWeb());
      input.log('SIGKILL web (uploads in flight get no answer; clients retry)');
      return true;
    }
    const [queue, name, jobName] = queueOf[target];
    for (const job of await queue.getActive()) {
      if (jobName && job.name !== jobName) continue;
      const pid = Number(job.processedBy?.split('.')[1]);
      const worker = p.workers.find(
        (w) =>
          w.name === name && w.child.pid === pid && w.child.exitCode === null && w.child.signalCode === null,
      );
      if (!worker) continue;
      await sigkill(worker.child);
      restarts.push(p.startWorker(name));
      input.log(`SIGKILL worker-${name} pid ${pid} mid ${job.id}`);
      return true;
    }
    return false;
  }

  const loop = (async () => {
    const deadline = Date.now() + 30 * 60_000;
    let total = 0;
    const share = Math.ceil(input.kills / ROTATION.length);
    for (let i = 0, tries = 0; !isStopped && total < input.kills && Date.now() < deadline;) {
      const target = ROTATION[i % ROTATION.length]!;
      // Each target gets its share, so a kind that is rarely active (webhooks) is not crowded out.
      if (killed[target] >= share) {
        i++;
        continue;
      }
      if (await killOne(target).catch(() => false)) {
        killed[target]++;
        total++;
        await sleep(300 + Math.random() * 1_200); // a random moment before the next one
      } else if (++tries < TRIES_PER_TARGET) {
        await sleep(150);
        continue;
      }
      i++;
      tries = 0;
    }
  })();

  return {
    async stop(): Promise<Record<Target, number>> {
      isStopped = true;
      await loop;
      await Promise.all(restarts);
      return killed;
    },
  };
}

/** Every file under <storage>/media (temp files included), relative to the storage root. */
async function listStored(root: string): Promise<string[]> {
  const entries = await fs
    .readdir(path.join(root, 'media'), { recursive: true, withFileTypes: true })
    .catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/**
 * Blobs against rows: every original and rendition present with its size; and after giving the orphan
 * sweep its grace and a pass or two, no file under media/ that no row refers to.
 */
export async function checkStoredFiles(
  p: Pipeline,
  media: { id: string; storageKey: string; renditions: { storageKey: string; bytes: bigint }[] }[],
): Promise<{ missing: string[]; orphans: string[]; orphansSwept: number }> {
  const missing: string[] = [];
  const expected = new Set<string>();
  for (const m of media) {
    expected.add(m.storageKey);
    if (!(await p.storage.stat(m.storageKey))) missing.push(`${m.id} original`);
    for (const r of m.renditions) {
      expected.add(r.storageKey);
      if ((await storedRenditionBytes(p.storage, r.storageKey)) !== expectedStoredBytes(r, m.renditions))
        missing.push(r.storageKey);
    }
  }
  const folders = [...expected].filter((k) => k.endsWith('/'));
  const strays = async () =>
    (await listStored(p.config.storageDir)).filter(
      (f) => !expected.has(f) && !folders.some((k) => f.startsWith(k)),
    );
  const before = await strays();
  const grace = p.config.ORPHAN_BLOB_GRACE_MS + 2 * p.config.ORPHAN_SWEEP_INTERVAL_MS + 10_000;
  const orphans = await waitFor(async () => ((await strays()).length === 0 ? [] : undefined), {
    timeoutMs: grace,
    intervalMs: 1_000,
  }).catch(() => strays());
  return { missing, orphans, orphansSwept: before.length - orphans.length };
}

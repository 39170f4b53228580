import type { DbClient } from '@fjord/db';
import { finishedUploadKey, QueueName, type QueueLogger, type Queues } from '@fjord/queue';

type Redis = Queues['connection'];
export type QueueTracesDeps = {
  db: Pick<DbClient, 'media' | 'webhookDelivery'>;
  queues: Pick<Queues, 'connection' | 'transcode' | 'db' | 'email' | 'webhooks' | 'maintenance'>;
  prefix: string;
  logger: QueueLogger;
};

// Job ids are deterministic (contracts.ts mediaJobId / webhookJobId): `media.<uuid>.…`, `webhook.<uuid>[.rN]`.
const JOB_REF = /\b(media|webhook)\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;
const PAGE = 1000;

async function* scanKeys(redis: Redis, match: string): AsyncGenerator<string> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', PAGE);
    cursor = next;
    yield* keys;
  } while (cursor !== '0');
}

function refsIn(text: string): Array<{ kind: 'media' | 'webhook'; id: string }> {
  return [...text.matchAll(JOB_REF)].map((m) => ({
    kind: m[1]!.toLowerCase() as 'media' | 'webhook',
    id: m[2]!.toLowerCase(),
  }));
}

/** Of the referenced ids, those with no row left in Postgres (the source of truth). */
async function goneRefs(
  deps: QueueTracesDeps,
  refs: Array<{ kind: string; id: string }>,
): Promise<Set<string>> {
  const mediaIds = [...new Set(refs.filter((r) => r.kind === 'media').map((r) => r.id))];
  const deliveryIds = [...new Set(refs.filter((r) => r.kind === 'webhook').map((r) => r.id))];
  const [media, deliveries] = await Promise.all([
    mediaIds.length ? deps.db.media.findMany({ where: { id: { in: mediaIds } }, select: { id: true } }) : [],
    deliveryIds.length
      ? deps.db.webhookDelivery.findMany({ where: { id: { in: deliveryIds } }, select: { id: true } })
      : [],
  ]);
  const live = new Set([...media, ...deliveries].map((r) => r.id));
  return new Set([...mediaIds, ...deliveryIds].filter((id) => !live.has(id)));
}

const STATE_SETS = ['completed', 'failed', 'delayed', 'prioritized', 'waiting-children'];
const STATE_LISTS = ['wait', 'paused', 'active'];

/** What BullMQ's own remove does to the queue's state keys, for a job it refused to remove. */
async function removeFromStateKeys(redis: Redis, base: string, jobId: string): Promise<void> {
  for (const set of STATE_SETS) await redis.zrem(`${base}${set}`, jobId);
  for (const list of STATE_LISTS) await redis.lrem(`${base}${list}`, 0, jobId);
}

/**
 * Removes the jobs (and their log, lock and dependency keys) of media and webhook deliveries whose row
 * is gone. Stateless, so a re-run after a crash finds what the first run left. An active job is left to
 * finish: it re-checks its row, finds it gone and does nothing.
 */
async function removeOrphanJobs(deps: QueueTracesDeps): Promise<number> {
  const redis = deps.queues.connection;
  let removed = 0;
  for (const name of Object.values(QueueName)) {
    const queue = deps.queues[name];
    const base = `${deps.prefix}:${name}:`;
    const byJob = new Map<string, string[]>();
    for (const pattern of ['media.*', 'webhook.*']) {
      for await (const key of scanKeys(redis, `${base}${pattern}`)) {
        const jobId = key.slice(base.length).split(':')[0]!;
        byJob.set(jobId, [...(byJob.get(jobId) ?? []), key]);
      }
    }
    const gone = await goneRefs(deps, [...byJob.keys()].flatMap(refsIn));
    for (const [jobId, keys] of byJob) {
      if (!refsIn(jobId).some((r) => gone.has(r.id))) continue;
      const job = await queue.getJob(jobId);
      if (job && (await job.getState()) === 'active') continue;
      try {
        if (job) await job.remove({ removeChildren: true });
      } catch (err) {
        deps.logger.warn({ err, jobId }, 'erasure: could not remove a job, deleting its keys');
        await removeFromStateKeys(redis, base, jobId);
      }
      await redis.del(...keys);
      removed++;
    }
  }
  return removed;
}

/** Deletes the entries of every queue's event stream that name a gone media/delivery or any needle. */
async function removeEventEntries(deps: QueueTracesDeps, needles: string[]): Promise<number> {
  const redis = deps.queues.connection;
  const lowered = needles.map((n) => n.toLowerCase());
  let removed = 0;
  for (const name of Object.values(QueueName)) {
    const key = `${deps.prefix}:${name}:events`;
    const entries: Array<{ id: string; text: string }> = [];
    let start = '-';
    for (;;) {
      const page = (await redis.xrange(key, start, '+', 'COUNT', PAGE)) as Array<[string, string[]]>;
      for (const [id, fields] of page) entries.push({ id, text: fields.join('\n').toLowerCase() });
      if (page.length < PAGE) break;
      start = `(${page[page.length - 1]![0]}`;
    }
    const gone = await goneRefs(
      deps,
      entries.flatMap((e) => refsIn(e.text)),
    );
    const doomed = entries
      .filter((e) => refsIn(e.text).some((r) => gone.has(r.id)) || lowered.some((n) => e.text.includes(n)))
      .map((e) => e.id);
    for (let i = 0; i < doomed.length; i += PAGE) await redis.xdel(key, ...doomed.slice(i, i + PAGE));
    removed += doomed.length;
  }
  return removed;
}

/** Finished tus uploads remembered for a day (`tus:finished:<id>`, value names the owner). */
async function removeFinishedUploads(deps: QueueTracesDeps, ownerId: string): Promise<number> {
  const redis = deps.queues.connection;
  let removed = 0;
  for await (const key of scanKeys(redis, finishedUploadKey(deps.prefix, '*'))) {
    const value = await redis.get(key);
    if (value?.includes(ownerId)) removed += await redis.del(key);
  }
  return removed;
}

/**
 * Everything Redis holds about a person once their rows are gone: the jobs and event-stream entries of
 * their media and deliveries, and their finished uploads. Each part is judged against Postgres or the
 * key's own value, so it is idempotent and needs no list of what was deleted.
 */
export async function removeQueueTraces(
  deps: QueueTracesDeps,
  person: { userId: string; email: string },
): Promise<{ jobs: number; events: number; uploads: number }> {
  const uploads = await removeFinishedUploads(deps, person.userId);
  const jobs = await removeOrphanJobs(deps);
  const events = await removeEventEntries(deps, [person.userId, person.email]);
  return { jobs, events, uploads };
}

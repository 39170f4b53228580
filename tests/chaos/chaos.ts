// `npm run test:chaos`: Redis restarted empty, again and again, under a burst of uploads (not part of
// `npm test`: it takes minutes). Its own redis-server without persistence on a free loopback port, the
// real workers as child processes (two worker-db replicas, so the reconciler runs on both), and the
// DEFAULT reconciler config (interval 15 s, stale 30 s): every media must be re-driven within 60 s of
// Redis answering again, end READY with exactly its renditions and blobs, and get exactly one email.
// Options: --uploads N (200)  --restarts N (3)
// Last line: `chaos: N passed, N failed`.
import { parseArgs } from 'node:util';
import { IMAGE_VARIANTS, getMediaFlowState, waitUntilReady } from '@fjord/queue';
import { createTestUser, prepareTemplateDatabase, startOwnRedisServer, waitFor } from '@fjord/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureServices } from '../../scripts/services.mjs';
import { startPipeline } from '../pipeline/pipeline-harness';
import { generateImages } from '../scale/scale-images';
import { createVerdicts } from './verdicts';

const { values } = parseArgs({
  options: { uploads: { type: 'string', default: '200' }, restarts: { type: 'string', default: '3' } },
});
const uploads = Number(values.uploads);
const restarts = Number(values.restarts);
if (!Number.isInteger(uploads) || uploads < 1 || !Number.isInteger(restarts) || restarts < 1) {
  console.error('--uploads and --restarts take integers ≥ 1');
  process.exit(2);
}

const REDRIVE_BOUND_MS = 60_000;
const INGEST_PARALLELISM = 16;
const { log, check, finish } = createVerdicts('chaos');

await ensureServices();
await prepareTemplateDatabase();
const redis = await startOwnRedisServer('chaos');
const p = await startPipeline('chaos', { REDIS_URL: redis.url, WORKER_LOCK_DURATION_MS: '10000' });
try {
  const owner = await createTestUser(p.db);
  await Promise.all([
    p.startWorker('transcode'),
    p.startWorker('db'),
    p.startWorker('db'), // a second replica: the reconciler runs on both
    p.startWorker('email'),
  ]);
  const images = await generateImages(uploads);
  const ids: string[] = [];
  for (let i = 0; i < images.length; i += INGEST_PARALLELISM) {
    const batch = images.slice(i, i + INGEST_PARALLELISM);
    const results = await Promise.all(
      batch.map((img) => p.ingest.ingestUpload({ ownerId: owner.id, ...img })),
    );
    ids.push(...results.map((r) => r.id));
  }
  log(`${ids.length} uploads accepted`);
  const readyCount = () => p.db.media.count({ where: { id: { in: ids }, status: 'READY' } });

  for (let r = 1; r <= restarts; r++) {
    // Spread the restarts over the burst: after 1/(n+1), 2/(n+1), … of it is READY.
    const target = Math.floor((ids.length * r) / (restarts + 1));
    await waitFor(async () => (await readyCount()) >= target, { timeoutMs: 30 * 60_000, intervalMs: 250 });
    const { answeredAt } = await redis.restartEmpty();
    await waitUntilReady(p.queues.connection, 10_000);
    const redrivenAfter = await waitFor(
      async () => {
        const open = await p.db.media.findMany({
          where: { id: { in: ids }, status: { notIn: ['READY', 'FAILED'] } },
          select: { id: true },
        });
        for (const m of open) if ((await getMediaFlowState(p.queues, m.id)) !== 'live') return false;
        return Date.now() - answeredAt;
      },
      { timeoutMs: 5 * 60_000, intervalMs: 250 },
    ).catch(() => Infinity);
    check(
      `restart ${r} (${target} READY before): every unfinished media re-driven in ${redrivenAfter} ms (≤ ${REDRIVE_BOUND_MS})`,
      redrivenAfter <= REDRIVE_BOUND_MS ? [] : ['too slow'],
    );
  }

  const started = Date.now();
  await waitFor(async () => (await readyCount()) === ids.length, {
    timeoutMs: 30 * 60_000,
    intervalMs: 500,
  }).catch(() => undefined);
  const byStatus = await p.db.media.groupBy({ by: ['status'], where: { id: { in: ids } }, _count: true });
  check(
    `all ${ids.length} media READY (${Date.now() - started} ms after the last re-drive)`,
    byStatus.filter((s) => s.status !== 'READY').map((s) => `${s.status} ${s._count}`),
  );

  const media = await p.db.media.findMany({ where: { id: { in: ids } }, include: { renditions: true } });
  const names = IMAGE_VARIANTS.map((v) => v.name)
    .sort()
    .join(',');
  const missing: string[] = [];
  for (const m of media) {
    if (!(await p.storage.stat(m.storageKey))) missing.push(`${m.id} original`);
    for (const r of m.renditions)
      if ((await p.storage.stat(r.storageKey))?.size !== Number(r.bytes)) missing.push(r.storageKey);
  }
  check(
    'exactly the expected renditions per media',
    media
      .filter(
        (m) =>
          m.renditions
            .map((r) => r.name)
            .sort()
            .join(',') !== names,
      )
      .map((m) => m.id),
  );
  check('every original and rendition blob present, sizes match', missing);

  await waitFor(
    async () => {
      const c = await p.queues.email.getJobCounts('waiting', 'active', 'delayed', 'waiting-children');
      return (
        Object.values(c).every((n) => n === 0) &&
        new Set(p.smtp.messages.map((m) => m.messageId)).size >= ids.length
      );
    },
    { timeoutMs: 5 * 60_000, intervalMs: 500 },
  ).catch(() => undefined);
  const perMedia = new Map<string, number>();
  for (const m of p.smtp.messages)
    perMedia.set(m.messageId ?? '', (perMedia.get(m.messageId ?? '') ?? 0) + 1);
  check(
    `exactly one email per media (${p.smtp.messages.length} received)`,
    ids
      .filter((id) => perMedia.get(`<media-${id}-ready@fjord>`) !== 1)
      .map((id) => `${id}: ${perMedia.get(`<media-${id}-ready@fjord>`) ?? 0}`),
  );
} finally {
  await p.stop();
  await redis.stop();
}
finish();

// Crashes duplicate nothing (issue 10, item 4): a burst of uploads through the real HTTP upload handler
// while every process type is SIGKILLed mid-job, again and again, and restarted as a supervisor would.
// Its own redis-server, the real worker entrypoints as child processes (two transcode replicas; one each
// of worker-db, worker-email, worker-webhook) and a web process (tests/pipeline/web-http.server.ts),
// a real SMTP listener and a loopback webhook receiver. Not part of `npm test`: it takes minutes.
// Options: --uploads N (200)  --kills N (15, spread over transcode, db, email, webhook, web)  --videos N (6)
// Last line: `crash: N passed, N failed`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createVideoFixture } from '@fjord/media/testing';
import { IMAGE_VARIANTS } from '@fjord/queue';
import { createTestUser, prepareTemplateDatabase, startOwnRedisServer, waitFor } from '@fjord/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureServices } from '../../scripts/services.mjs';
import { startPipeline } from '../pipeline/pipeline-harness';
import { createUploadKey, startWebProcess, uploadOverHttp, type WebProcess } from '../pipeline/web-process';
import { generateImages } from '../scale/scale-images';
import { checkStoredFiles, countBy, startKiller, TARGETS } from './crash-killer';
import { createVerdicts } from './verdicts';

const { values } = parseArgs({
  options: {
    uploads: { type: 'string', default: '200' },
    kills: { type: 'string', default: '15' },
    videos: { type: 'string', default: '6' },
  },
});
const uploads = Number(values.uploads);
const kills = Number(values.kills);
const videos = Math.min(Number(values.videos), uploads);
if (![uploads, kills, videos].every((n) => Number.isInteger(n) && n >= 0) || uploads < 1) {
  console.error('--uploads (≥ 1), --kills and --videos take integers');
  process.exit(2);
}

// A 320×180 clip renders the CMAF ladder with its download MP4 (`mp4`), the poster, the preview and the
// storyboard pair.
const VIDEO_NAMES = ['cmaf', 'mp4', 'poster-jpg', 'preview-webp', 'storyboard-jpg', 'storyboard-vtt'].join(
  ',',
);
const IMAGE_NAMES = IMAGE_VARIANTS.map((v) => v.name)
  .sort()
  .join(',');
// Two clients at a time: the burst lasts long enough for kills to land while uploads still arrive.
const PARALLEL_UPLOADS = 2;
const { log, check, finish } = createVerdicts('crash');

await ensureServices();
await prepareTemplateDatabase();
const redis = await startOwnRedisServer('crash', ['--appendonly', 'yes', '--appendfsync', 'everysec']);
const deliveries: string[] = [];
const receiver = http.createServer((req, res) => {
  deliveries.push(String(req.headers['fjord-event-id'] ?? ''));
  req.resume().on('end', () => res.writeHead(200).end('ok'));
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const p = await startPipeline('crash', {
  REDIS_URL: redis.url,
  WORKER_LOCK_DURATION_MS: '4000',
  SWEEPER_INTERVAL_MS: '2000',
  SWEEPER_STALE_AFTER_MS: '10000',
  ORPHAN_SWEEP_INTERVAL_MS: '5000',
  ORPHAN_BLOB_GRACE_MS: '15000',
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_BACKOFF_MS: '500',
  RATE_LIMIT_REQUESTS: '100000',
});
let web: WebProcess | undefined;
const started = Date.now();
try {
  const owner = await createTestUser(p.db);
  const apiKey = await createUploadKey(p.db, owner.id);
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  // A plaintext secret as rows from before sealing have: worker-webhook seals it at boot.
  await p.db.webhookEndpoint.create({
    data: {
      userId: owner.id,
      url: hookUrl,
      events: ['media.ready'],
      secretCiphertext: 'whsec_crash0123456789abcdef0123',
    },
  });
  const webEnv = { ...p.env, LOG_LEVEL: 'warn' };
  const [images, clips] = await Promise.all([
    generateImages(uploads - videos),
    Promise.all(Array.from({ length: videos }, (_, i) => createVideoFixture({ seconds: 2 + (i % 2) }))),
    p.startWorker('transcode'),
    p.startWorker('transcode'),
    p.startWorker('db'),
    p.startWorker('email'),
    p.startWorker('webhook'),
    startWebProcess(webEnv).then((w) => (web = w)),
  ]);
  const files = [...images, ...clips.map((body, i) => ({ filename: `clip-${i}.mp4`, body }))].sort((a, b) =>
    a.filename.localeCompare(b.filename),
  );
  log(`${images.length} images and ${clips.length} videos; processes up in ${Date.now() - started} ms`);

  let isUploading = true;
  const killer = startKiller({
    pipeline: p,
    kills,
    restartWeb: async () => (web = await startWebProcess(webEnv)),
    currentWeb: () => web,
    isUploading: () => isUploading,
    log,
  });

  // Clients retry an upload that got no answer (web killed under it): only a 202 is an acknowledgement.
  const acknowledged = new Map<string, string>(); // media id → filename
  let retries = 0;
  const burstStarted = Date.now();
  for (let i = 0; i < files.length; i += PARALLEL_UPLOADS) {
    await Promise.all(
      files.slice(i, i + PARALLEL_UPLOADS).map(async (f) => {
        // A restarted web takes ~30–60 s to listen on this machine: keep trying for up to 3 minutes.
        const giveUpAt = Date.now() + 180_000;
        for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
          const w = web;
          const r = w
            ? await uploadOverHttp({ port: w.port, apiKey, filename: f.filename, chunks: [f.body] }).catch(
                () => undefined,
              )
            : undefined;
          if (r?.status === 202 && r.body.id) {
            acknowledged.set(r.body.id, f.filename);
            return;
          }
          retries++;
          await new Promise((res) => setTimeout(res, Math.min(5_000, 250 * 2 ** attempt)));
        }
        log(`gave up on ${f.filename} after 3 minutes`);
      }),
    );
  }
  isUploading = false;
  const ids = [...acknowledged.keys()];
  log(
    `${ids.length} of ${files.length} uploads acknowledged in ${Date.now() - burstStarted} ms (${retries} client retries)`,
  );
  check(
    'every upload acknowledged (202) within 3 minutes of client retries',
    ids.length === files.length ? [] : ['missing'],
  );

  const notReady = async () => p.db.media.count({ where: { status: { not: 'READY' } } });
  let lastProgressAt = Date.now();
  await waitFor(
    async () => {
      const open = await notReady();
      if (Date.now() - lastProgressAt > 30_000) {
        lastProgressAt = Date.now();
        log(
          `${open} media not READY yet, ${Math.round((Date.now() - burstStarted) / 1000)} s into the burst`,
        );
      }
      return open === 0 && (await p.db.media.count()) >= ids.length;
    },
    {
      timeoutMs: 20 * 60_000,
      intervalMs: 1_000,
    },
  ).catch(() => undefined);
  const drainedMs = Date.now() - burstStarted;
  const killed = await killer.stop();
  log(
    `kills: ${
      Object.entries(killed)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    }`,
  );
  const totalKills = Object.values(killed).reduce((a, b) => a + b, 0);
  check(
    `every process type SIGKILLed mid-job at least once (${totalKills} kills of ${kills} asked)`,
    kills >= TARGETS.length
      ? TARGETS.filter((t) => killed[t] === 0).map((t) => `${t}: never caught mid-job`)
      : [],
  );

  // Every media row: the acknowledged ones, and any a killed web wrote but never answered for.
  const media = await p.db.media.findMany({ include: { renditions: true } });
  const byStatus = countBy(media.map((m) => m.status));
  log(
    `${media.length} media rows (${ids.length} acknowledged); all READY ${drainedMs} ms after the burst began`,
  );
  check(
    'every acknowledged upload READY',
    ids.filter((id) => media.find((m) => m.id === id)?.status !== 'READY'),
  );
  check(
    'every media row READY',
    Object.entries(byStatus)
      .filter(([s]) => s !== 'READY')
      .map(([s, n]) => `${s} ${n}`),
  );
  const duplicateRows = Object.values(
    countBy(media.flatMap((m) => m.renditions.map((r) => `${m.id}/${r.name}`))),
  ).filter((n) => n > 1).length;
  check(
    `exact rendition set per media, no rendition row twice (${duplicateRows} duplicates)`,
    media
      .filter(
        (m) =>
          m.renditions
            .map((r) => r.name)
            .sort()
            .join(',') !== (m.kind === 'VIDEO' ? VIDEO_NAMES : IMAGE_NAMES),
      )
      .map((m) => `${m.id} ${m.kind}: ${m.renditions.map((r) => r.name).join(',')}`),
  );
  const stored = await checkStoredFiles(p, media);
  check('every referenced blob present, sizes match', stored.missing);
  check(
    `no orphan blob or temp file under media/ (${stored.orphansSwept} removed by the orphan sweep)`,
    stored.orphans,
  );

  const readyIds = media.map((m) => m.id);
  await waitFor(
    async () => {
      const c = await p.queues.email.getJobCounts('waiting', 'active', 'delayed', 'waiting-children');
      const hooks = await p.queues.webhooks.getJobCounts('waiting', 'active', 'delayed');
      return (
        Object.values({ ...c, ...hooks }).every((n) => n === 0) &&
        new Set(p.smtp.messages.map((m) => m.messageId)).size >= readyIds.length &&
        new Set(deliveries).size >= readyIds.length
      );
    },
    { timeoutMs: 5 * 60_000, intervalMs: 500 },
  ).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 3_000)); // a late duplicate would arrive within this
  const emails = countBy(p.smtp.messages.map((m) => m.messageId ?? ''));
  check(
    `exactly one email per media (${p.smtp.messages.length} received, ${new Set(Object.keys(emails)).size} Message-IDs)`,
    readyIds
      .filter((id) => emails[`<media-${id}-ready@fjord>`] !== 1)
      .map((id) => `${id}: ${emails[`<media-${id}-ready@fjord>`] ?? 0}`),
  );
  const events = countBy(deliveries);
  const duplicateDeliveries = Object.values(events).reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  check(
    `every media.ready webhook delivered (${deliveries.length} deliveries, ${duplicateDeliveries} duplicates: webhooks are at-least-once)`,
    readyIds.filter((id) => !events[`media.ready.${id}`]).map((id) => `${id}: not delivered`),
  );
  log(
    `figures: uploads ${ids.length}, kills ${JSON.stringify(killed)}, drained ${drainedMs} ms, duplicate rendition rows ${duplicateRows}, ` +
      `duplicate emails ${p.smtp.messages.length - Object.keys(emails).length}, duplicate webhooks ${duplicateDeliveries}, ` +
      `orphans left ${stored.orphans.length} (swept ${stored.orphansSwept})`,
  );
} finally {
  if (web && web.child.exitCode === null) web.child.kill('SIGKILL');
  await p.stop();
  await redis.stop();
  receiver.close();
}
finish();

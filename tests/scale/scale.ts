// `npm run test:scale`: the pipeline at scale against the real Postgres, Redis and an SMTP listener
// (not part of `npm test`: it takes minutes). Phases, each on a fresh database and Redis prefix:
//   burst       N replicas of each worker, a burst of uploads: every media READY exactly once,
//               one Notification and one email each, work spread across the transcode replicas;
//   chaos       the same, with one transcode replica SIGKILLed mid-burst;
//   throughput  a smaller burst with 1, then 2 transcode replicas: jobs/s and the ratio, printed only.
// Options: --replicas N (2)  --uploads N (300)  --throughput-uploads N (120)  --only burst,chaos,throughput
// Last line: `[scale] scale: N passed, N failed` (tests/chaos/verdicts.ts).
import { parseArgs } from 'node:util';
import { prepareTemplateDatabase } from '@fjord/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureServices } from '../../scripts/services.mjs';
import { createVerdicts } from '../chaos/verdicts';
import { runBurst, type BurstResult } from './scale-burst';
import {
  checkExactlyOnce,
  checkSpread,
  checkTakeover,
  workShares,
  formatShares,
  type Check,
} from './scale-checks';
import { generateImages } from './scale-images';
import { formatThroughput, runScaleThroughput } from './scale-throughput';

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '2' },
    uploads: { type: 'string', default: '300' },
    'throughput-uploads': { type: 'string', default: '120' },
    only: { type: 'string', default: 'burst,chaos,throughput' },
  },
});

function positive(name: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const replicas = positive('replicas', values.replicas, 1);
const uploads = positive('uploads', values.uploads, 1);
const throughputUploads = positive('throughput-uploads', values['throughput-uploads'], 1);
const phases = new Set(values.only.split(',').map((s) => s.trim()));
for (const phase of phases) {
  if (!['burst', 'chaos', 'throughput'].includes(phase)) {
    console.error(`--only takes burst, chaos and/or throughput, got "${phase}"`);
    process.exit(2);
  }
}

const { log, check, finish } = createVerdicts('scale');

function report(checks: Check[]): void {
  for (const c of checks) {
    check(c.name, c.problems, c.problems.length);
    if (c.info) log(`      ${c.info}`);
  }
}

async function describeOthers(r: BurstResult): Promise<string> {
  const db = await workShares(
    r.pipeline.queues.db,
    r.db.map((w) => w.child.pid!),
  );
  const email = await workShares(
    r.pipeline.queues.email,
    r.email.map((w) => w.child.pid!),
  );
  return `finalize: ${formatShares(db.shares)}; notify: ${formatShares(email.shares)}`;
}

async function burstPhase(chaos: boolean): Promise<void> {
  const label = chaos ? 'chaos' : 'burst';
  if (chaos && replicas < 2) {
    log('chaos needs --replicas ≥ 2 (a survivor must take the jobs over): skipped');
    return;
  }
  log(`${label}: ${uploads} image uploads, ${replicas} replica(s) of transcode, db and email`);
  const generating = Date.now();
  const images = await generateImages(uploads, chaos ? 2 : 1);
  log(`generated ${uploads} images in ${((Date.now() - generating) / 1000).toFixed(1)} s`);
  const burst = await runBurst({
    label: `scale-${label}`,
    images,
    transcodeReplicas: replicas,
    dbReplicas: replicas,
    emailReplicas: replicas,
    killTranscodeAt: chaos ? 0.3 : undefined,
    log,
  });
  try {
    const seconds = burst.elapsedMs / 1000;
    log(
      `${label}: ${uploads} media READY in ${seconds.toFixed(1)} s (uploads accepted in ` +
        `${(burst.ingestMs / 1000).toFixed(1)} s); ${await describeOthers(burst)}`,
    );
    const checks = await checkExactlyOnce(burst);
    checks.push(await checkSpread(burst, burst.killed?.pid));
    if (burst.killed) checks.push(await checkTakeover(burst));
    report(checks);
  } finally {
    await burst.pipeline.stop();
  }
}

const started = Date.now();
try {
  await ensureServices();
  await prepareTemplateDatabase();
  if (phases.has('burst')) await burstPhase(false);
  if (phases.has('chaos')) await burstPhase(true);
  if (phases.has('throughput')) {
    const { rows, checks } = await runScaleThroughput({ uploads: throughputUploads, log });
    log(`throughput (printed, not asserted; docs/performance.md):\n${formatThroughput(rows)}`);
    report(checks);
  }
} catch (error) {
  check('the run finished', [error instanceof Error ? (error.stack ?? error.message) : String(error)]);
}
log(`took ${((Date.now() - started) / 1000).toFixed(0)} s`);
finish();

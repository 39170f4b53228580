// The long outage battery (not part of `npm test`: minutes): Postgres, then Redis, unreachable from every
// process (web and the three workers, real entrypoints) for --seconds, through loopback proxies the
// script cuts and restores. Uploads acknowledged before each cut must end READY with exactly their
// renditions and one email; uploads during it answer 503 + Retry-After (Postgres) or are stored and
// re-driven (Redis); no process exits; each works again within RECOVERY_BOUND_MS of the restore.
// Options: --seconds N (120)  --uploads N (20, acknowledged before each cut)  --target postgres|redis|both
// Last line: `outage: N passed, N failed`.
import { parseArgs } from 'node:util';
import { prepareTemplateDatabase } from '@fjord/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureServices } from '../../scripts/services.mjs';
import { generateImages } from '../scale/scale-images';
import { problemsOf, runOutage, summaryOf, type OutageTarget } from './outage-run';
import { startOutageStack } from './outage-stack';
import { createVerdicts } from '../chaos/verdicts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    uploads: { type: 'string', default: '20' },
    target: { type: 'string', default: 'both' },
  },
});
const seconds = Number(values.seconds);
const uploads = Number(values.uploads);
const targets: OutageTarget[] =
  values.target === 'both' ? ['postgres', 'redis'] : [values.target as OutageTarget];
if (
  !Number.isInteger(seconds) ||
  seconds < 1 ||
  seconds > 600 ||
  !Number.isInteger(uploads) ||
  uploads < 1 ||
  uploads > 500 ||
  !targets.every((t) => t === 'postgres' || t === 'redis')
) {
  console.error('--seconds 1..600, --uploads 1..500, --target postgres|redis|both');
  process.exit(2);
}

/** A process must work again this soon after the restore (JOB_INFRA_MAX_DELAY_MS is the longest wait). */
const RECOVERY_BOUND_MS = 60_000;
const { log, check, finish } = createVerdicts('outage');

await ensureServices();
await prepareTemplateDatabase();
for (const [n, target] of targets.entries()) {
  // The reconciler at its defaults (a 15 s tick, 30 s stale), as deployed.
  const stack = await startOutageStack(`outage-${target}`, {
    SWEEPER_INTERVAL_MS: '15000',
    SWEEPER_STALE_AFTER_MS: '30000',
  });
  try {
    // One attempt every ~10 s of the outage, at least 3.
    const during = Math.max(3, Math.floor(seconds / 10));
    const images = await generateImages(uploads + during + 2, 100 + n);
    const report = await runOutage(stack, {
      target,
      seconds,
      before: images.slice(0, uploads),
      during: images.slice(uploads, uploads + during),
      after: images.slice(uploads + during),
      settleMs: 10 * 60_000,
      log,
    });
    log(summaryOf(report));
    const problems = problemsOf(report, { refusalMs: 10_000, recoveryMs: RECOVERY_BOUND_MS });
    if (target === 'postgres' && report.during.some((a) => a.status !== 503))
      problems.push('an upload during the Postgres outage was not refused with 503');
    check(`${target} ${seconds} s`, problems, 6);
    if (problems.length)
      for (const proc of stack.processes) log(`--- ${proc.name} log tail ---\n${proc.logs().slice(-3_000)}`);
  } finally {
    await stack.stop();
  }
}
finish();

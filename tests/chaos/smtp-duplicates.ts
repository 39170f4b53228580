// `npx tsx tests/chaos/smtp-duplicates.ts`: how many copies of one notification reach an SMTP server
// that reads the whole message and then drops the connection before its reply (the send's outcome is
// unknown to Fjord). Each run is one notification through the real worker-email process; the server
// drops the first transaction of every run. Options: --runs N (100)  --run-timeout-ms N (15000)
// --fault drop-after-data|stall-after-data|rcpt-451|stall-greeting (drop-after-data).
// Last line: `smtp-duplicates: N passed, N failed`.
import { parseArgs } from 'node:util';
import { prepareTemplateDatabase, type SmtpFault } from '@fjord/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureServices } from '../../scripts/services.mjs';
import { runSmtpDuplicateTrials, summarizeDuplicates } from './smtp-duplicates-trials';

const FAULTS: SmtpFault[] = ['drop-after-data', 'stall-after-data', 'rcpt-451', 'stall-greeting'];
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    'run-timeout-ms': { type: 'string', default: '15000' },
    fault: { type: 'string', default: 'drop-after-data' },
  },
});
const runs = Number(values.runs);
const runTimeoutMs = Number(values['run-timeout-ms']);
const fault = values.fault as SmtpFault;
if (
  !Number.isInteger(runs) ||
  runs < 1 ||
  runs > 10_000 ||
  !Number.isInteger(runTimeoutMs) ||
  runTimeoutMs < 1
) {
  console.error('--runs takes 1..10000, --run-timeout-ms a positive integer');
  process.exit(2);
}
if (!FAULTS.includes(fault)) {
  console.error(`--fault takes ${FAULTS.join(', ')}`);
  process.exit(2);
}

const log = (line: string) => console.log(`[smtp-duplicates] ${line}`);
await ensureServices();
await prepareTemplateDatabase();
log(`${runs} notifications, fault ${fault} on the first SMTP transaction of each, ≤ ${runTimeoutMs} ms each`);
const report = await runSmtpDuplicateTrials({ runs, runTimeoutMs, fault, log });
const s = summarizeDuplicates(report);

const checks = [
  {
    name: `every notification completed with sentAt recorded (${s.runs - s.incomplete}/${s.runs})`,
    ok: s.incomplete === 0,
  },
  {
    name: `every copy carried its notification's Message-ID (stray messages: ${s.strayMessages})`,
    ok: s.strayMessages === 0,
  },
  {
    name: `the server acknowledged each notification exactly once (extra acknowledged: ${s.acknowledgedExtra})`,
    ok: s.acknowledgedExtra === 0 && report.trials.every((t) => t.acknowledged === 1),
  },
];
log(`copies per notification: ${s.histogram.map(([copies, n]) => `${copies} × ${n}`).join(', ')}`);
log(
  `duplicates: ${s.notificationsWithDuplicates}/${s.runs} notifications arrived more than once ` +
    `(${s.extraCopies} extra copies); per run p50 ${s.p50Ms} ms, max ${s.maxMs} ms; stalled runs ${s.stalledRuns}`,
);
for (const c of checks) log(`${c.ok ? '✓' : '✗'} ${c.name}`);
const failed = checks.filter((c) => !c.ok).length;
console.log(`smtp-duplicates: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

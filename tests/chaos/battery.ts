// `npm run test:chaos`: the long variants of the fault battery, one after another (minutes; not part of
// `npm test`, whose short variants cover the same faults). Each part is its own script with its own
// services, and can be run alone with the command printed beside it. A part's verdict is its last
// line (`<name>: N passed, N failed`) and its exit code; this prints them all and fails if any failed.
// Options: --only redis-loss,outage,crash,smtp (all)
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const PARTS = {
  'redis-loss': ['tests/chaos/chaos.ts'],
  outage: ['tests/outage/outage.ts', '--seconds', '120'],
  crash: ['tests/chaos/crash.ts'],
  smtp: ['tests/chaos/smtp-duplicates.ts'],
} satisfies Record<string, string[]>;
type Part = keyof typeof PARTS;

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const names = (values.only?.split(',') ?? Object.keys(PARTS)) as Part[];
const unknown = names.filter((n) => !(n in PARTS));
if (unknown.length > 0) {
  console.error(`unknown part(s): ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}

/** Runs one part with its output passed through; resolves with its exit code and last line. */
function runPart(args: string[]): Promise<{ code: number; last: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = chunk.toString().trim().split('\n');
      last = lines.at(-1) ?? last;
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), last }));
  });
}

const verdicts: string[] = [];
let failed = 0;
for (const name of names) {
  const args = PARTS[name];
  console.log(`\n== ${name}: npx tsx ${args.join(' ')} ==`);
  const { code, last } = await runPart(args);
  if (code !== 0) failed++;
  verdicts.push(`${code === 0 ? 'ok  ' : 'FAIL'} ${name}: ${last} (exit ${code})`);
}
console.log(`\n${verdicts.join('\n')}`);
console.log(`battery: ${names.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

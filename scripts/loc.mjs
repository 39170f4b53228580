#!/usr/bin/env node
// Lines of non-test TypeScript per area of issue 9's machinery, at two commits (default: cf292d5, the last
// commit before issue 9, and HEAD). `node scripts/loc.mjs [base] [head]`. Counts every line (`wc -l`), as
// stored in git; a file falls in the first area that matches it, so nothing is counted twice.
import { execFileSync } from 'node:child_process';

const AREAS = [
  ['worker processors', /^apps\/worker-[^/]+\/src\/[^/]+(\.processor|-shared)\.ts$/],
  ['worker entrypoints + helpers', /^apps\/worker-[^/]+\/src\/[^/]+\.ts$/],
  ['web routes', /^apps\/web\/src\/app\/.*\/route\.ts$/],
  // cf292d5: apps/web/src/server; now libs/http/src (what stayed in the app is counted too).
  ['HTTP machinery', /^(apps\/web\/src\/server|libs\/http\/src)\/(?!test\/|.*\/test\/).*\.ts$/],
  [
    'services + media status writes',
    /^libs\/(api\/src\/services|db\/src\/media-status|ingest\/src\/(ingest|reprocess-media|sweep-stuck-media)\.service)\.ts$/,
  ],
  [
    'queue job plumbing',
    /^libs\/queue\/src\/(contracts|job-definitions|job-failure|job-lock-fence|job-fence|job-log|run-job|run-worker|queues)\.ts$/,
  ],
];
const isTest = (file) => /\.test\.ts$/.test(file);

const git = (...args) => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 64 << 20 });

function countAt(rev) {
  const totals = new Map(AREAS.map(([name]) => [name, 0]));
  for (const file of git('ls-tree', '-r', '--name-only', rev).split('\n')) {
    if (!file.endsWith('.ts') || isTest(file)) continue;
    const area = AREAS.find(([, pattern]) => pattern.test(file));
    if (!area) continue;
    const text = git('show', `${rev}:${file}`);
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    totals.set(area[0], totals.get(area[0]) + lines);
  }
  return totals;
}

const [base = 'cf292d5', head = 'HEAD'] = process.argv.slice(2);
const before = countAt(base);
const after = countAt(head);
const rows = AREAS.map(([name]) => [name, before.get(name), after.get(name)]);
rows.push(['total', ...[before, after].map((m) => [...m.values()].reduce((a, b) => a + b, 0))]);
const width = Math.max(...rows.map(([name]) => name.length));
const short = (rev) => git('rev-parse', '--short', rev).trim();
console.log(`${'area'.padEnd(width)}  ${short(base).padStart(8)}  ${short(head).padStart(8)}    diff`);
for (const [name, a, b] of rows) {
  const diff = b - a;
  console.log(
    `${name.padEnd(width)}  ${String(a).padStart(8)}  ${String(b).padStart(8)}  ${(diff > 0 ? '+' : '') + diff}`.padEnd(
      0,
    ),
  );
}

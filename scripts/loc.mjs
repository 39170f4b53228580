#!/usr/bin/env node
// Lines of non-test TypeScript per area of issue 9's machinery, at two commits (default: cf292d5, the last
// commit before issue 9, and HEAD). `node scripts/loc.mjs [base] [head]`. Counts every line (`wc -l`), as
// stored in git; a file falls in the first area that matches it, so nothing is counted twice.
//
// Like for like. Features landed in these folders after cf292d5 (streaming, image transforms, captions,
// export, metrics, lock fences, storage-full handling, security headers). A file is counted as feature
// code only when the whole file is one of those features and did not exist at cf292d5 (FEATURES below,
// each with its reason); everything else in an area counts as issue-9 machinery. That is deliberately
// against the claim "shorter": files that existed at cf292d5 and grew with a feature (contracts.ts with
// the stream manifest schemas, finalize and notify with captions and runs, run-worker with metrics,
// tus-upload.server with cleanup) stay machinery, lines and all; code moved into lib files counts where
// the file lands (a move does not leave the count: libs/http replaces apps/web/src/server, and
// stream-manifest.ts, cut out of the ladder, is listed with the stream feature it came from).
// The row to read is `machinery`: the same responsibilities at both commits. `features` is printed
// beside it so the total still adds up.
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
    /^libs\/queue\/src\/(contracts|job-definitions|job-failure|job-lock-fence|job-fence|job-log|run-job|run-worker|queues|stream-manifest)\.ts$/,
  ],
];

/** Whole files that are a feature added after cf292d5, not issue 9's machinery: [feature, pattern]. */
const FEATURES = [
  // HLS/DASH streaming and the scrub preview (ADR 0017): the ladder, its manifest, the /stream route.
  [
    'stream',
    /^(apps\/worker-transcode\/src\/(storyboard\.processor|transcode-ladder)|libs\/http\/src\/stream\/.*|libs\/queue\/src\/stream-manifest|apps\/web\/src\/app\/stream\/.*\/route)\.ts$/,
  ],
  // On-the-fly image transforms: /img, its signed URLs (REST image-url), options, cache, render gate.
  [
    'image transform',
    /^(libs\/http\/src\/(handlers\/(image-transform|rest-image-url)\.handler|image\/.*)|apps\/web\/src\/app\/(img\/.*|api\/v1\/media\/\[id\]\/image-url)\/route)\.ts$/,
  ],
  [
    'captions',
    /^(libs\/http\/src\/handlers\/rest-captions\.handler|apps\/web\/src\/app\/api\/v1\/media\/\[id\]\/captions(\/.*)?\/route)\.ts$/,
  ],
  [
    'export/erasure',
    /^(libs\/http\/src\/handlers\/export\.handler|apps\/web\/src\/app\/api\/v1\/export\/route)\.ts$/,
  ],
  [
    'metrics',
    /^(libs\/http\/src\/(handlers\/metrics\.handler|http-metrics)|apps\/web\/src\/app\/api\/metrics\/route)\.ts$/,
  ],
  // The lock fence (ADR 0014): a worker past its lock writes nothing.
  ['fences', /^libs\/queue\/src\/job-lock-fence\.ts$/],
  ['storage full', /^libs\/http\/src\/tus\/tus-storage-full\.ts$/],
  // HSTS and the X-Forwarded-For guard (sec-http); CSP existed at cf292d5 and stays machinery.
  [
    'security headers',
    /^apps\/web\/src\/server\/security\/(strict-transport-security|forwarded-for-guard)\.ts$/,
  ],
];
const isTest = (file) => /\.test\.ts$/.test(file);

const git = (...args) => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 64 << 20 });

/** Per area: all lines, and the feature files' lines; per feature: lines (over every area). */
function countAt(rev) {
  const all = new Map(AREAS.map(([name]) => [name, 0]));
  const feature = new Map(AREAS.map(([name]) => [name, 0]));
  const byFeature = new Map(FEATURES.map(([name]) => [name, 0]));
  const existing = new Set(git('ls-tree', '-r', '--name-only', rev).split('\n'));
  for (const file of existing) {
    if (!file.endsWith('.ts') || isTest(file)) continue;
    const area = AREAS.find(([, pattern]) => pattern.test(file));
    if (!area) continue;
    const text = git('show', `${rev}:${file}`);
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    all.set(area[0], all.get(area[0]) + lines);
    const isFeature = FEATURES.find(([, pattern]) => pattern.test(file));
    if (isFeature && !atBase.has(file)) {
      feature.set(area[0], feature.get(area[0]) + lines);
      byFeature.set(isFeature[0], byFeature.get(isFeature[0]) + lines);
    }
  }
  return { all, feature, byFeature };
}

const [base = 'cf292d5', head = 'HEAD'] = process.argv.slice(2);
// A file that existed at the base is never feature code (it was there before the feature).
const atBase = new Set(git('ls-tree', '-r', '--name-only', base).split('\n'));
const before = countAt(base);
const after = countAt(head);
const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
const short = (rev) => git('rev-parse', '--short', rev).trim();
const signed = (n) => (n > 0 ? '+' : '') + n;

const rows = AREAS.map(([name]) => {
  const a = before.all.get(name) - before.feature.get(name);
  const f = after.feature.get(name);
  return [name, before.all.get(name), after.all.get(name), f, a, after.all.get(name) - f];
});
rows.push([
  'total',
  sum(before.all),
  sum(after.all),
  sum(after.feature),
  sum(before.all) - sum(before.feature),
  sum(after.all) - sum(after.feature),
]);
const width = Math.max(...rows.map(([name]) => name.length));
const col = (v) => String(v).padStart(10);
console.log(
  `${'area'.padEnd(width)}  ${col(short(base))}${col(short(head))}${col('features')}  machinery ${short(base)} → ${short(head)}`,
);
for (const [name, a, b, f, ma, mb] of rows) {
  console.log(
    `${name.padEnd(width)}  ${col(a)}${col(b)}${col(f)}  ${String(ma).padStart(5)} → ${String(mb).padStart(5)}  ${signed(mb - ma)}`,
  );
}
console.log(`\nfeature files at ${short(head)} (whole files, new since ${short(base)}):`);
for (const [name] of FEATURES)
  console.log(`  ${name.padEnd(18)}${String(after.byFeature.get(name)).padStart(6)}`);

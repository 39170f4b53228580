import { parseArgs } from 'node:util';
import { describeMachine } from './bench-stats';
import { formatRows, writeReport, type BenchRow } from './bench-report';
import { benchRows } from './rows';
import { runAdminQueueBench } from './admin-queue.bench';
import { runImageVariantsBench } from './image-variants.bench';
import { runImageQualityBench } from './image-quality.bench';
import { runUploadMemoryBench } from './upload-memory.bench';
import { runScaleBench } from './scale.bench';

/**
 * `npm run bench [-- --runs 3] [--only image-e2e,ingest] [--report bench.json] [--uploads N]
 * [--worker-env K=V,…]`: every row prints Fjord's figure, a baseline measured in the same run, and the ratio (> 1 = Fjord better), so numbers from
 * different machines stay comparable; `--report` also writes them as JSON. Results go in
 * docs/performance.md. The detailed tables (`--only images|uploads|admin|scale`) run only when asked.
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    iterations: { type: 'string', default: '5' },
    only: { type: 'string' },
    report: { type: 'string' },
    'upload-mb': { type: 'string', default: '2048' },
    uploads: { type: 'string' },
    'worker-env': { type: 'string' },
  },
});
const runs = Math.max(1, Number(values.runs) || 3);
const iterations = Math.max(1, Number(values.iterations) || 5);
const only = values.only ? new Set(values.only.split(',')) : undefined;
const uploads = Number(values.uploads) > 0 ? Number(values.uploads) : undefined;
const workerEnv = Object.fromEntries(
  (values['worker-env'] ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const wanted = (name: string) => (only ? only.has(name) : true);

console.log(`machine: ${describeMachine()}`);
const rows: BenchRow[] = [];
for (const row of benchRows.filter((r) => wanted(r.name))) {
  console.log(`\n== ${row.name} ==`);
  rows.push(
    ...(await row.run({ runs, uploads, workerEnv, log: (line) => console.log(`[${row.name}] ${line}`) })),
  );
}
if (rows.length > 0) console.log(`\n${formatRows(rows)}`);
if (values.report) await writeReport(values.report, rows);

if (only?.has('images')) {
  console.log('\n== image variants ==');
  await runImageVariantsBench({ iterations });
}
if (only?.has('image-quality')) {
  console.log('\n== image quality: bytes and SSIM per format, width and quality ==');
  await runImageQualityBench();
}
if (only?.has('uploads')) {
  console.log('\n== upload memory (web process) ==');
  await runUploadMemoryBench({ largeBytes: Number(values['upload-mb']) * 1024 * 1024 });
}
if (only?.has('admin')) {
  console.log('\n== admin console queries ==');
  await runAdminQueueBench({ iterations });
}
if (only?.has('scale')) {
  console.log('\n== scale: 1 vs 2 transcode replicas ==');
  await runScaleBench({ uploads: uploads ?? 120 });
}
process.exit(0);

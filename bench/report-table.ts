import { readFileSync } from 'node:fs';
import type { BenchRow } from './bench-report';

/**
 * `npx tsx bench/report-table.ts report.json [prefix]`: a `--report` file as the markdown table
 * docs/performance.md carries — medians and minimums over runs, the ratio of the medians, and the
 * ratio of each run's own pair (min–max), which a load spike on the shared machine moves least.
 */
const [file, prefix = ''] = process.argv.slice(2);
if (!file) throw new Error('usage: report-table.ts <report.json> [row prefix]');
const rows = (JSON.parse(readFileSync(file, 'utf8')) as BenchRow[]).filter((r) => r.name.startsWith(prefix));
const fmt = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(1) : n.toFixed(2);
console.log(
  '| row | unit | fjord median | fjord min | baseline median | baseline min | ratio | per-run ratio | goal |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  const fjord = r.runs?.fjord ?? [r.fjord];
  const base = r.runs?.baseline ?? [r.baseline];
  const isRate = /\/s$/.test(r.unit);
  const perRun = fjord.map((f, i) => (isRate ? f / base[i]! : base[i]! / f));
  const span = `${Math.min(...perRun).toFixed(2)}–${Math.max(...perRun).toFixed(2)}×`;
  console.log(
    `| ${r.name} | ${r.unit} | ${fmt(r.fjord)} | ${fmt(Math.min(...fjord))} | ${fmt(r.baseline)} | ` +
      `${fmt(Math.min(...base))} | ${r.ratio.toFixed(2)}× | ${span} | ${r.goal ?? ''} |`,
  );
}

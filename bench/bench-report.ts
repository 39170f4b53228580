import { writeFile } from 'node:fs/promises';

/** One row of `npm run bench`: Fjord's figure beside the baseline's, measured in the same run. */
export interface BenchRow {
  name: string;
  unit: string;
  /** Median over runs. */
  fjord: number;
  /** Median over runs (or a published constant, then `baselineSource` says where it comes from). */
  baseline: number;
  /** How Fjord compares, > 1 = better than the baseline: fjord / baseline for rates, baseline / fjord for times. */
  ratio: number;
  goal?: string;
  baselineSource?: string;
  /** Every run's figures, so min/median can be read back from the report. */
  runs?: { fjord: number[]; baseline: number[] };
}

export interface BenchContext {
  /** How many measured runs per row (after any warm-up the row needs). */
  runs: number;
  /** `--uploads N`: how many uploads a row that sends a batch or burst sends (each row has its default). */
  uploads?: number;
  /** `--worker-env K=V,K=V`: settings for the workers a row starts (e.g. the defaults of an older release). */
  workerEnv?: Record<string, string>;
  log: (line: string) => void;
}

export interface BenchDefinition {
  /** Row name prefix, as named in issue 11 (`pickup-latency`, `image-e2e`, …). */
  name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** The middle value, or the mean of the two middle ones (with 2 runs the nearest-rank p50 is the minimum). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Builds a row from per-run figures; `higherIsBetter` for rates (images/s, MB/s), false for times. */
export function rowFromRuns(input: {
  name: string;
  unit: string;
  fjord: number[];
  baseline: number[];
  higherIsBetter: boolean;
  goal?: string;
  baselineSource?: string;
}): BenchRow {
  const fjord = median(input.fjord);
  const baseline = median(input.baseline);
  const ratio = input.higherIsBetter ? fjord / baseline : baseline / fjord;
  return {
    name: input.name,
    unit: input.unit,
    fjord,
    baseline,
    ratio,
    ...(input.goal ? { goal: input.goal } : {}),
    ...(input.baselineSource ? { baselineSource: input.baselineSource } : {}),
    runs: { fjord: input.fjord, baseline: input.baseline },
  };
}

const fmt = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);

export function formatRows(rows: BenchRow[]): string {
  const header = ['row', 'unit', 'fjord', 'baseline', 'ratio', 'min fjord', 'goal'];
  const lines = rows.map((r) => [
    r.name,
    r.unit,
    fmt(r.fjord),
    fmt(r.baseline),
    `${r.ratio.toFixed(2)}×`,
    r.runs ? fmt(Math.min(...r.runs.fjord)) : '',
    r.goal ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

export async function writeReport(file: string, rows: BenchRow[]): Promise<void> {
  await writeFile(file, `${JSON.stringify(rows, null, 2)}\n`);
}

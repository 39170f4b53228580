import os from 'node:os';

export interface Sample {
  name: string;
  /** Wall-clock ms per run. */
  ms: number[];
  /** CPU ms per run, all threads of this process (libvips included): steadier than wall time on a busy box. */
  cpuMs: number[];
}

/** p-th percentile (nearest rank) of values sorted ascending. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

export function summarize(ms: number[]): { median: number; p95: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** Runs `fn` once to warm up, then `iterations` times, recording wall-clock and CPU ms per run. */
export async function measure(name: string, iterations: number, fn: () => Promise<unknown>): Promise<Sample> {
  await fn();
  const sample: Sample = { name, ms: [], cpuMs: [] };
  for (let i = 0; i < iterations; i += 1) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    await fn();
    sample.ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpu);
    sample.cpuMs.push((used.user + used.system) / 1000);
  }
  return sample;
}

/** name | median | p95 | ratio | cpu | cpu ratio; ratios are baseline / this (higher = faster). */
export function printTable(title: string, samples: Sample[], baselineName: string): void {
  const baseline = samples.find((s) => s.name === baselineName);
  const baseMedian = baseline ? summarize(baseline.ms).median : Number.NaN;
  const baseCpu = baseline ? summarize(baseline.cpuMs).median : Number.NaN;
  const width = Math.max(...samples.map((s) => s.name.length), 10);
  console.log(`\n${title}  (baseline: ${baselineName})`);
  console.log(
    `${'name'.padEnd(width)}  ${'median ms'.padStart(10)}  ${'p95 ms'.padStart(8)}  ${'vs baseline'.padStart(11)}  ${'cpu ms'.padStart(8)}  ${'cpu vs base'.padStart(11)}`,
  );
  for (const s of samples) {
    const { median, p95 } = summarize(s.ms);
    const cpu = summarize(s.cpuMs).median;
    const ratio = `${(baseMedian / median).toFixed(2)}×`;
    const cpuRatio = `${(baseCpu / cpu).toFixed(2)}×`;
    console.log(
      `${s.name.padEnd(width)}  ${median.toFixed(0).padStart(10)}  ${p95.toFixed(0).padStart(8)}  ${ratio.padStart(11)}  ${cpu.toFixed(0).padStart(8)}  ${cpuRatio.padStart(11)}`,
    );
  }
}

export function describeMachine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}`;
}

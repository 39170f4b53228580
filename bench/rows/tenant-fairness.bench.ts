import os from 'node:os';
// The fairness measurement of tests/pipeline (shared with its int test); `tests` is no package.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { measureTenantFairness } from '../../tests/pipeline/tenant-fairness';
import { rowFromRuns, type BenchContext, type BenchDefinition } from '../bench-report';
import { ensureBenchTools } from './bench-tools';
import { describeWorkerParallelism, startMediaStack } from './media-stack';

/**
 * docs/adr/0021: user B's single upload → READY right after user A's burst (default 500 uploads) was
 * accepted, against B's idle upload → READY measured in the same run. Goal: B ≤ 2× idle (ratio ≥ 0.5).
 */
export const tenantFairnessBench: BenchDefinition = {
  name: 'tenant-fairness',
  async run(ctx: BenchContext) {
    const burstSize = ctx.uploads ?? 500;
    await ensureBenchTools();
    const stack = await startMediaStack('bench-tenant-fairness', ctx.workerEnv);
    try {
      await stack.startWorkers();
      ctx.log(describeWorkerParallelism(stack));
      const r = await measureTenantFairness(stack.pipeline, {
        burstSize,
        runs: ctx.runs,
        timeoutMs: 240_000,
      });
      r.idleMs.forEach((idle, i) =>
        ctx.log(
          `run ${i + 1}: B idle ${idle.toFixed(0)} ms; B after A's burst of ${burstSize}: ` +
            `${r.underBurstMs[i]!.toFixed(0)} ms (${r.burstPendingWhenBReady[i]} of A's not READY yet); ` +
            `load ${os.loadavg()[0]!.toFixed(2)}`,
        ),
      );
      return [
        rowFromRuns({
          name: 'tenant-fairness',
          unit: 'ms',
          fjord: r.underBurstMs,
          baseline: r.idleMs,
          higherIsBetter: false,
          goal: '≥ 0.5× (B under the burst ≤ 2× B idle)',
          baselineSource: "user B's single upload → READY on the same idle stack, same run",
        }),
      ];
    } finally {
      await stack.stop();
    }
  },
};

import { rowFromRuns, type BenchDefinition } from '../bench-report';
import {
  createFjordFlowSetup,
  createRawBullmqSetup,
  createRawFlowSetup,
  type FlowSetup,
} from './flow-overhead-setups';

/** 200 flows × (3 transcode + finalize + notify) = 1,000 executions per run and side. */
const FLOWS = 200;
const WARM_UP_FLOWS = 20;
const RUN_TIMEOUT_MS = 120_000;

/** Jobs per second from the first add to the last completion (fresh queues, warm workers). */
async function jobsPerSecond(create: (flows: number, timeoutMs: number) => Promise<FlowSetup>) {
  const warm = await create(WARM_UP_FLOWS, RUN_TIMEOUT_MS);
  await warm.run();
  await warm.close();
  const setup = await create(FLOWS, RUN_TIMEOUT_MS);
  try {
    const started = process.hrtime.bigint();
    await setup.run();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return setup.executions / seconds;
  } finally {
    await setup.close();
  }
}

export const flowOverheadBench: BenchDefinition = {
  name: 'flow-overhead',
  async run(ctx) {
    const fjord: number[] = [];
    const raw: number[] = [];
    const rawFlow: number[] = [];
    // Alternated, so a burst of load on the shared machine falls on both sides alike.
    for (let run = 0; run < ctx.runs; run++) {
      fjord.push(await jobsPerSecond(createFjordFlowSetup));
      raw.push(await jobsPerSecond(createRawBullmqSetup));
      rawFlow.push(await jobsPerSecond(createRawFlowSetup));
      ctx.log(
        `run ${run + 1}: fjord ${fjord.at(-1)!.toFixed(0)} jobs/s, raw bullmq jobs ${raw.at(-1)!.toFixed(0)}, ` +
          `raw bullmq flow ${rawFlow.at(-1)!.toFixed(0)}`,
      );
    }
    return [
      rowFromRuns({
        name: 'flow-overhead',
        unit: 'jobs/s',
        fjord,
        baseline: raw,
        higherIsBetter: true,
        goal: '≥ 0.7×',
        baselineSource: 'raw BullMQ Queue.add + Worker, no-op, defaults, same queues/concurrency, same run',
      }),
      // Where the distance comes from: BullMQ's own flows vs what Fjord adds on top of them.
      rowFromRuns({
        name: 'flow-overhead-vs-bullmq-flow',
        unit: 'jobs/s',
        fjord,
        baseline: rawFlow,
        higherIsBetter: true,
        baselineSource: 'the same flow shape with raw BullMQ FlowProducer + Worker, defaults, same run',
      }),
    ];
  },
};

import { rowFromRuns, type BenchDefinition } from '../bench-report';
import { processCpuSeconds } from './cpu-time';
import { benchQueueConfig, redisServerPid } from './queue-bench';
import {
  createFjordFlowSetup,
  createRawBullmqSetup,
  createRawFlowSetup,
  type FlowSetup,
} from './flow-overhead-setups';

/**
 * 600 flows × (3 transcode + finalize + notify) = 3,000 executions per run and side: 200 flows (0.3 s)
 * swung the raw side by ±30 % from run to run on this shared machine.
 */
const FLOWS = 600;
const WARM_UP_FLOWS = 20;
const RUN_TIMEOUT_MS = 120_000;

/**
 * Jobs per second from the first add to the last completion (fresh queues, warm workers), and the CPU
 * each execution cost in this process (producer, workers, Fjord's runner) and in the Redis server (the
 * Lua scripts), which is where a flow's extra cost over plain jobs shows.
 */
async function jobsPerSecond(create: (flows: number, timeoutMs: number) => Promise<FlowSetup>) {
  const warm = await create(WARM_UP_FLOWS, RUN_TIMEOUT_MS);
  await warm.run();
  await warm.close();
  const setup = await create(FLOWS, RUN_TIMEOUT_MS);
  try {
    const [nodeBefore, redisBefore] = [
      await processCpuSeconds(process.pid),
      await processCpuSeconds(redisPid),
    ];
    const started = process.hrtime.bigint();
    await setup.run();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perJobMs = (after: number, before: number) => ((after - before) * 1000) / setup.executions;
    return {
      rate: setup.executions / seconds,
      nodeMs: perJobMs(await processCpuSeconds(process.pid), nodeBefore),
      redisMs: perJobMs(await processCpuSeconds(redisPid), redisBefore),
    };
  } finally {
    await setup.close();
  }
}

let redisPid: number | undefined;
const cpuOf = (r: { nodeMs: number; redisMs: number }) =>
  `${r.nodeMs.toFixed(3)} + ${r.redisMs.toFixed(3)} CPU-ms/job (node + redis)`;

export const flowOverheadBench: BenchDefinition = {
  name: 'flow-overhead',
  async run(ctx) {
    redisPid = await redisServerPid(benchQueueConfig('pid'));
    const fjord: number[] = [];
    const raw: number[] = [];
    const rawFlow: number[] = [];
    // One discarded round of each side first: all three share this process, and the first 1,000 jobs
    // through BullMQ, ioredis and Fjord's runner run before V8 has optimised them (run 1 was 35–50 %
    // slower than run 2 on every side), which is no warm worker's steady state.
    for (const create of [createFjordFlowSetup, createRawBullmqSetup, createRawFlowSetup]) {
      await jobsPerSecond(create);
    }
    // Alternated, so a burst of load on the shared machine falls on both sides alike.
    for (let run = 0; run < ctx.runs; run++) {
      const f = await jobsPerSecond(createFjordFlowSetup);
      const r = await jobsPerSecond(createRawBullmqSetup);
      const rf = await jobsPerSecond(createRawFlowSetup);
      fjord.push(f.rate);
      raw.push(r.rate);
      rawFlow.push(rf.rate);
      ctx.log(
        `run ${run + 1}: fjord ${f.rate.toFixed(0)} jobs/s (${cpuOf(f)}), raw bullmq jobs ` +
          `${r.rate.toFixed(0)} (${cpuOf(r)}), raw bullmq flow ${rf.rate.toFixed(0)} (${cpuOf(rf)})`,
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

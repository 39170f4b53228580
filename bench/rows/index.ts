import type { BenchDefinition } from '../bench-report';
import { flowOverheadBench } from './flow-overhead.bench';
import { ingestBench } from './ingest.bench';
import { pickupLatencyBench } from './pickup-latency.bench';

/**
 * The rows of `npm run bench`, in the order they run (issue 11 names them). Each lives in its own
 * `<name>.bench.ts` and is registered here with one line.
 */
export const benchRows: BenchDefinition[] = [
  pickupLatencyBench, // 1. add → processor start, idle warm workers
  flowOverheadBench, // 2. media flow vs raw BullMQ, no-op processors
  ingestBench, // 5. uploads through next start vs bare node:http
];

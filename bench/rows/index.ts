import type { BenchDefinition } from '../bench-report';
import { e2eLatencyBench } from './e2e-latency.bench';
import { imageE2eBench } from './image-e2e.bench';
import { videoLadderBench } from './video-ladder.bench';

/**
 * The rows of `npm run bench`, in the order they run (issue 11 names them). Each lives in its own
 * `<name>.bench.ts` and is registered here with one line.
 */
// One line per row, so branches that add rows merge without conflicts.
// prettier-ignore
export const benchRows: BenchDefinition[] = [
  imageE2eBench,
  videoLadderBench,
  e2eLatencyBench,
];

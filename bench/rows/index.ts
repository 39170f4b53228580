import type { BenchDefinition } from '../bench-report';
import { cmafLadderBench } from './cmaf-ladder.bench';
import { e2eLatencyBench } from './e2e-latency.bench';
import { flowOverheadBench } from './flow-overhead.bench';
import { imageE2eBench } from './image-e2e.bench';
import { imageTransformBench } from './image-transform.bench';
import { ingestBench } from './ingest.bench';
import { pickupLatencyBench } from './pickup-latency.bench';
import { tenantFairnessBench } from './tenant-fairness.bench';
import { videoLadderBench } from './video-ladder.bench';

/**
 * The rows of `npm run bench`, in the order they run (issue 11 names them). Each lives in its own
 * `<name>.bench.ts` and is registered here with one line.
 */
// One line per row, so branches that add rows merge without conflicts.
// prettier-ignore
export const benchRows: BenchDefinition[] = [
  pickupLatencyBench, // 1. add → processor start, idle warm workers
  flowOverheadBench, // 2. media flow vs raw BullMQ, no-op processors
  imageE2eBench, // 3. uploads over HTTP until READY vs bare sharp, ImageMagick
  videoLadderBench, // 4. ladder + poster + preview vs single-decode ffmpeg
  ingestBench, // 5. uploads through next start vs bare node:http
  e2eLatencyBench, // 6. one upload → READY vs its stages alone; burst p50/p99
  imageTransformBench, // 7. /img 12 MP → 800 px WebP cold vs bare sharp, cached vs /files
  cmafLadderBench, // 8. CMAF ladder: single decode vs one ffmpeg per rung (CPU)
  tenantFairnessBench, // 9. user B's upload under user A's 500-upload burst vs B idle (ADR 0021)
];

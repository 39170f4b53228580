import { parseArgs } from 'node:util';
import { describeMachine } from './bench-stats';
import { runAdminQueueBench } from './admin-queue.bench';
import { runImageVariantsBench } from './image-variants.bench';
import { runUploadMemoryBench } from './upload-memory.bench';
import { runScaleBench } from './scale.bench';

/**
 * `npm run bench [-- --iterations 10]` (`-- --only scale [--uploads 120]`: worker replicas, run only
 * when asked because it spawns the real workers and takes minutes): each benchmark prints ratios against a baseline measured in the
 * same run, so numbers from different machines stay comparable. Results go in docs/performance.md.
 */
const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '5' },
    only: { type: 'string' },
    'upload-mb': { type: 'string', default: '2048' },
    uploads: { type: 'string', default: '120' },
  },
});
const iterations = Math.max(1, Number(values.iterations) || 5);

console.log(`machine: ${describeMachine()}`);
if (!values.only || values.only === 'images') {
  console.log('\n== image variants ==');
  await runImageVariantsBench({ iterations });
}
if (!values.only || values.only === 'uploads') {
  console.log('\n== upload memory (web process) ==');
  await runUploadMemoryBench({ largeBytes: Number(values['upload-mb']) * 1024 * 1024 });
}
if (!values.only || values.only === 'admin') {
  console.log('\n== admin console queries ==');
  await runAdminQueueBench({ iterations });
}
if (values.only === 'scale') {
  console.log('\n== scale: 1 vs 2 transcode replicas ==');
  await runScaleBench({ uploads: Math.max(1, Number(values.uploads) || 120) });
}

import { parseArgs } from 'node:util';
import { describeMachine } from './bench-stats';
import { runAdminQueueBench } from './admin-queue.bench';
import { runImageVariantsBench } from './image-variants.bench';
import { runUploadMemoryBench } from './upload-memory.bench';

/**
 * `npm run bench [-- --iterations 10]`: each benchmark prints ratios against a baseline measured in the
 * same run, so numbers from different machines stay comparable. Results go in docs/performance.md.
 */
const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '5' },
    only: { type: 'string' },
    'upload-mb': { type: 'string', default: '2048' },
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

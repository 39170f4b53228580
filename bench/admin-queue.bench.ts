import { getConfig } from '@fjord/config';
import { createQueueAdmin, createQueues } from '@fjord/queue';
import { measure, printTable, type Sample } from './bench-stats';

const BIG = 100_000;
const SMALL = 100;

async function fill(queue: ReturnType<typeof createQueues>['maintenance'], count: number): Promise<void> {
  for (let i = 0; i < count; i += 5_000) {
    const n = Math.min(5_000, count - i);
    await queue.addBulk(
      Array.from({ length: n }, (_, k) => ({
        name: 'bench',
        data: { i: i + k },
        opts: { jobId: `b-${i + k}` },
      })),
    );
  }
}

/**
 * The admin console on a queue of 100,000 waiting jobs vs one of 100: a page must not cost more
 * because the queue is big (getJobs ranges, never a full load).
 */
export async function runAdminQueueBench({ iterations }: { iterations: number }): Promise<void> {
  const { REDIS_URL } = getConfig();
  const small = createQueues({ REDIS_URL, QUEUE_PREFIX: `fjord-bench-small-${process.pid}` });
  const big = createQueues({ REDIS_URL, QUEUE_PREFIX: `fjord-bench-big-${process.pid}` });
  const smallAdmin = createQueueAdmin({ queues: small, prefix: `fjord-bench-small-${process.pid}` });
  const bigAdmin = createQueueAdmin({ queues: big, prefix: `fjord-bench-big-${process.pid}` });
  try {
    const started = Date.now();
    await Promise.all([fill(small.maintenance, SMALL), fill(big.maintenance, BIG)]);
    console.log(
      `filled ${BIG} + ${SMALL} waiting jobs in ${Date.now() - started} ms; ${iterations} iterations`,
    );
    const page = (admin: typeof bigAdmin, n: number) => () =>
      admin.listJobs({ queue: 'maintenance', state: 'waiting', page: n, pageSize: 25 });
    const samples: Sample[] = [
      await measure(`first page, ${SMALL} jobs`, iterations, page(smallAdmin, 0)),
      await measure(`first page, ${BIG} jobs`, iterations, page(bigAdmin, 0)),
      await measure(`page 2000 (jobs 50,000+), ${BIG} jobs`, iterations, page(bigAdmin, 2_000)),
      await measure(`last page, ${BIG} jobs`, iterations, page(bigAdmin, BIG / 25 - 1)),
      await measure(`overview (4 queues), ${SMALL} jobs`, iterations, () => smallAdmin.overview()),
      await measure(`overview (4 queues), ${BIG} jobs`, iterations, () => bigAdmin.overview()),
      await measure(`search by job id, ${BIG} jobs`, iterations, () =>
        bigAdmin.searchJobs({ jobId: 'b-77777' }),
      ),
    ];
    printTable('admin console queries', samples, `first page, ${SMALL} jobs`);
  } finally {
    await Promise.all([
      small.maintenance.obliterate({ force: true }),
      big.maintenance.obliterate({ force: true }),
    ]);
    await Promise.all([smallAdmin.close(), bigAdmin.close()]);
    await Promise.all([small.close(), big.close()]);
  }
}

import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { appendJobLog, QueueName, runWorker, UnrecoverableError, type RunningWorker } from '@fjord/queue';
import { silentLogger } from '@fjord/testing';

/**
 * Workers with the real flow semantics (ignored child failures, finalize writing the outcome) but no
 * sharp or SMTP: the API lib cannot import the worker apps, and these tests are about steering the
 * queues. Media whose id or original name is in `broken` fail their transcode children with a permanent
 * error (a name can be added before the upload, so no child runs before the test has said so).
 */
export async function startStandInPipeline(deps: { config: Config; db: DbClient }) {
  const broken = new Set<string>();
  const opts = { concurrency: 4, config: deps.config, logger: silentLogger, handleSignals: false } as const;
  const workers: RunningWorker[] = [
    await runWorker({
      ...opts,
      queueName: QueueName.transcode,
      processor: async (job) => {
        const { mediaId, variant } = job.data as { mediaId: string; variant: string };
        await appendJobLog(job, `rendering ${variant}`);
        const media = await deps.db.media.findUnique({
          where: { id: mediaId },
          select: { originalName: true },
        });
        if (broken.has(mediaId) || broken.has(media?.originalName ?? ''))
          throw new UnrecoverableError('The image file is corrupt or truncated');
        return { variant };
      },
    }),
    await runWorker({
      ...opts,
      queueName: QueueName.db,
      processor: async (job) => {
        const { mediaId } = job.data as { mediaId: string };
        const failures = Object.values(await job.getIgnoredChildrenFailures());
        const status = failures.length > 0 ? 'FAILED' : 'READY';
        await deps.db.media.update({
          where: { id: mediaId },
          data: {
            status,
            error: failures[0] ?? null,
            startedAt: new Date(job.timestamp),
            finishedAt: new Date(),
          },
        });
        return { mediaId, status };
      },
    }),
    await runWorker({ ...opts, queueName: QueueName.email, processor: async () => ({ sent: true }) }),
  ];
  return { broken, close: () => Promise.all(workers.map((w) => w.close())) };
}

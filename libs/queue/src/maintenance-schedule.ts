import { createConnectionErrorLog } from './connection-error-log';
import { JobName } from './contracts';
import { jobOf, sweepStuckMediaJob } from './job-definitions';
import type { QueueLogger } from './logger';
import type { Queues } from './queues';

export type MaintenanceSchedule = {
  /** Re-creates the scheduler when Redis no longer has it; true when it had to. */
  ensure(): Promise<boolean>;
  stop(): void;
};

/**
 * The reconciler's own schedule lives in Redis, so Redis losing its data loses it too. Upserted at
 * start (idempotent: every replica upserts the same one, Redis keeps one), checked again whenever the
 * connection becomes ready after a reconnect, and every `checkEveryMs` (a Redis that was flushed
 * without dropping connections sends no event).
 */
export async function startMaintenanceSchedule(deps: {
  queues: Pick<Queues, 'maintenance' | 'connection'>;
  everyMs: number;
  checkEveryMs?: number;
  logger: QueueLogger;
}): Promise<MaintenanceSchedule> {
  const { queues, logger } = deps;
  // The job each tick adds is the definition's (name, payload, retention): written once, in job-definitions.
  const { name, data, opts } = jobOf(sweepStuckMediaJob, undefined, {}, {});
  const upsert = () =>
    queues.maintenance.upsertJobScheduler(
      JobName.sweepStuckMedia,
      { every: deps.everyMs },
      { name, data, opts },
    );
  let isChecking = false;
  async function ensure(): Promise<boolean> {
    if (isChecking) return false;
    isChecking = true;
    try {
      if (await queues.maintenance.getJobScheduler(JobName.sweepStuckMedia)) return false;
      await upsert();
      logger.warn(
        { scheduler: JobName.sweepStuckMedia },
        'maintenance schedule was missing in Redis (flushed or restarted empty): re-created it',
      );
      return true;
    } finally {
      isChecking = false;
    }
  }
  // Mostly Redis being away (the next ready or tick tries again): logged, rate-limited.
  const failures = createConnectionErrorLog(
    logger,
    { scheduler: JobName.sweepStuckMedia },
    {
      message: 'maintenance schedule check failed',
      restoredMessage: 'maintenance schedule check works again',
    },
  );
  const check = () => void ensure().then(failures.onReady, failures.onError);

  await upsert();
  queues.connection.on('ready', check);
  const timer = setInterval(check, deps.checkEveryMs ?? 10_000);
  timer.unref();
  return {
    ensure,
    stop() {
      clearInterval(timer);
      queues.connection.off('ready', check);
    },
  };
}

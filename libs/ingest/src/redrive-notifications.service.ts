import type { DbClient } from '@fjord/db';
import {
  accountEmailJobId,
  mediaJobId,
  jobOf,
  notifyMediaJob,
  type QueueLogger,
  type Queues,
} from '@fjord/queue';
import type { Config } from '@fjord/config';
import { enqueueAccountEmail } from './verification-email.service';

export type RedriveNotificationsDeps = {
  db: DbClient;
  queues: Pick<Queues, 'email'>;
  config: Pick<Config, 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS' | 'QUEUE_PREFIX'>;
  staleAfterMs: number;
  logger: QueueLogger;
  batchSize?: number;
};

/** Outcomes older than this are history, not owed mail (a restored backup must not mail every user). */
export const NOTIFICATION_REDRIVE_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * A notify run creates the Notification row before it sends and sets `sentAt` after. A run whose job
 * Redis lost keeps going (it needs only Postgres and SMTP), so an unsent row younger than this may be
 * mid-send: re-adding then could mail twice. Longer than any SMTP exchange takes before it times out.
 */
export const NOTIFY_SEND_LEASE_MS = 15 * 60_000;

/**
 * The reconciler's mail half: a media that reached READY or FAILED owes its uploader one email of that
 * kind. When none was sent and no notify job exists in Redis (lost after finalize, before the email
 * step ran), the notify job is added again on its own under its deterministic id. Never a second email:
 * the Notification row's `sentAt` is checked here and again by the processor (the outbox), a row a run
 * may still be sending for is left alone (NOTIFY_SEND_LEASE_MS), and the fixed job id folds concurrent
 * re-adds from several replicas into one job.
 */
export async function redriveNotifications(
  deps: RedriveNotificationsDeps,
): Promise<{ renotified: string[] }> {
  const { db, queues, logger } = deps;
  const now = Date.now();
  const finishedAt = {
    lt: new Date(now - deps.staleAfterMs),
    gt: new Date(now - NOTIFICATION_REDRIVE_WINDOW_MS),
  };
  // Owed: no row of that kind that was sent, settled as not to be sent (refused for good, or an owner
  // whose address is not verified), or claimed by a notify run that may still be sending.
  const isSentOrInFlight = (kind: 'MEDIA_READY' | 'MEDIA_FAILED') => ({
    none: {
      kind,
      OR: [
        { sentAt: { not: null } },
        { failedAt: { not: null } },
        { createdAt: { gt: new Date(now - NOTIFY_SEND_LEASE_MS) } },
      ],
    },
  });
  const owed = await db.media.findMany({
    where: {
      OR: [
        { status: 'READY', finishedAt, notifications: isSentOrInFlight('MEDIA_READY') },
        { status: 'FAILED', finishedAt, notifications: isSentOrInFlight('MEDIA_FAILED') },
      ],
    },
    select: { id: true, run: true },
    orderBy: { finishedAt: 'asc' },
    take: deps.batchSize ?? 100,
  });
  const renotified: string[] = [];
  for (const { id, run } of owed) {
    const jobId = mediaJobId(id, 'notify');
    try {
      // Any job under that id (waiting, retrying, failed for the console) is not lost: leave it be.
      if (await queues.email.getJob(jobId)) continue;
      const job = jobOf(
        notifyMediaJob,
        deps.config,
        // The run that finished the media (0: a row from before runs were numbered, no run check).
        { v: 1, mediaId: id, requestId: `reconciler-${id}`, ...(run > 0 ? { run } : {}) },
        { jobId },
      );
      await queues.email.add(job.name, job.data, job.opts);
      renotified.push(id);
    } catch (err) {
      logger.error({ err, mediaId: id }, 'reconciler could not re-add a notification');
    }
  }
  if (renotified.length > 0) logger.warn({ renotified }, 're-added notifications whose job was lost');
  return { renotified };
}

/** Account mail (verification links) is owed only while its link may still work. */
export const ACCOUNT_EMAIL_REDRIVE_WINDOW_MS = 24 * 3600_000;
/** Sent or settled account-mail rows are kept this long (the resend limits read the last day), then go. */
export const ACCOUNT_EMAIL_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * The reconciler's account-mail half: an AccountEmail row neither sent nor settled, older than the
 * sweep's staleness and without a job in Redis (lost between the row's commit and the add, or with
 * Redis), is queued again under its fixed job id. The row's send lease and receipt keep it to one mail.
 * Rows past retention are deleted: they hold an address.
 */
export async function redriveAccountEmails(
  deps: Omit<RedriveNotificationsDeps, 'config'> & {
    config: Pick<Config, 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>;
  },
): Promise<{ resent: string[]; expired: number }> {
  const { db, queues, logger } = deps;
  const now = Date.now();
  const owed = await db.accountEmail.findMany({
    where: {
      sentAt: null,
      failedAt: null,
      createdAt: {
        lt: new Date(now - deps.staleAfterMs),
        gt: new Date(now - ACCOUNT_EMAIL_REDRIVE_WINDOW_MS),
      },
    },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: deps.batchSize ?? 100,
  });
  const resent: string[] = [];
  for (const { id } of owed) {
    try {
      if (await queues.email.getJob(accountEmailJobId(id))) continue;
      await enqueueAccountEmail(deps, id);
      resent.push(id);
    } catch (err) {
      logger.error({ err, accountEmailId: id }, 'reconciler could not re-add an account email');
    }
  }
  if (resent.length > 0) logger.warn({ resent }, 're-added account emails whose job was lost');
  const { count: expired } = await db.accountEmail.deleteMany({
    where: { createdAt: { lt: new Date(now - ACCOUNT_EMAIL_RETENTION_MS) } },
  });
  return { resent, expired };
}

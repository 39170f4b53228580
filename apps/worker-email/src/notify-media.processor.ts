import { transitionMedia, type DbClient } from '@fjord/db';
import {
  classifySmtpError,
  describeSmtpError,
  mediaMessageId,
  renderMediaFailedEmail,
  renderMediaReadyEmail,
} from '@fjord/email';
import { SpanKind, withSpan } from '@fjord/observability';
import {
  appendJobLog,
  GENERAL_FAILURE_MESSAGE,
  handleJob,
  notifyMediaJob,
  runGuardOf,
  safePublish,
  UnrecoverableError,
  type Job,
  type MediaEventPublisher,
  type QueueLogger,
} from '@fjord/queue';

export type NotifyMailer = {
  send(message: {
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
  }): Promise<unknown>;
};

export type NotifyProcessorDeps = {
  db: DbClient;
  mailer: NotifyMailer;
  events: Pick<MediaEventPublisher, 'publish'>;
  logger: QueueLogger;
  publicUrl: string;
  /** How long one run owns a notification's send before it renews the lease (every third of it). */
  sendLeaseMs?: number;
};

/**
 * Renewed every 10 s while the send is in flight, however long the SMTP timeouts let it take: a sender
 * killed mid-send is replaced within 30 s (it was a fixed 120 s, covering the longest send). A run is
 * only ever replaced while alive if its event loop froze for 20 s (docs/adr/0025-stalled-jobs.md).
 */
export const DEFAULT_SEND_LEASE_MS = 30_000;

/** Deterministic, so a resend after a crash carries the same id and mail clients can fold duplicates. */
export function notificationMessageId(mediaId: string, kind: 'MEDIA_READY' | 'MEDIA_FAILED'): string {
  return mediaMessageId(mediaId, kind === 'MEDIA_READY' ? 'ready' : 'failed');
}

/**
 * The mail server or the path to it is down or busy (4xx, refused, timed out), or another run of this
 * job is sending right now: an infrastructure fault, waited out like a database outage, never a failure.
 */
class SendDeferredError extends Error {
  override readonly name = 'SendDeferredError';
}

const notifyJob: typeof notifyMediaJob = {
  ...notifyMediaJob,
  classify: (err) =>
    err instanceof SendDeferredError
      ? { kind: 'infrastructure', message: GENERAL_FAILURE_MESSAGE, detail: err.message }
      : notifyMediaJob.classify(err),
};

/**
 * The last step of every flow. It also runs when finalize failed for good (the flow ignores that
 * failure), so a media still in flight here is marked FAILED first: the uploader always hears back.
 * Exactly once per media and outcome: the Notification row is the outbox, `sentAt` the receipt, and a
 * lease (`claimedUntil`) makes one run at a time the sender — a run that lost its lock (stalled) and
 * was handed to another worker cannot send a second copy while the first is still sending.
 */
export function createNotifyProcessor(deps: NotifyProcessorDeps) {
  const { db, mailer, logger } = deps;
  const publish = safePublish(deps.events, logger);
  const leaseMs = deps.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS;

  /** Moves the lease on while the send runs; stops at the first renewal that finds it no longer ours. */
  function holdSendLease(notificationId: string, claimedUntil: Date, log: Record<string, unknown>) {
    let current = claimedUntil;
    const timer = setInterval(
      () => {
        const next = new Date(Date.now() + leaseMs);
        db.notification
          .updateMany({
            where: { id: notificationId, sentAt: null, claimedUntil: current },
            data: { claimedUntil: next },
          })
          .then(({ count }) => {
            if (count === 1) current = next;
            else clearInterval(timer);
          })
          .catch((err: unknown) => logger.warn({ ...log, err }, 'could not renew the send lease'));
      },
      Math.max(100, Math.floor(leaseMs / 3)),
    );
    return { stop: () => clearInterval(timer) };
  }

  /** 5xx to RCPT/DATA fails at once and for good, recorded on the row; anything else waits and retries. */
  async function recordSendFailure(
    job: Job,
    input: { notificationId: string; kind: string; err: unknown },
  ): Promise<never> {
    const isPermanent = classifySmtpError(input.err) === 'permanent';
    const detail = describeSmtpError(input.err);
    const reason = isPermanent
      ? `The mail server refused the message: ${detail}`
      : `Not sent yet after ${job.attemptsStarted} attempt(s), retrying: ${detail}`;
    await appendJobLog(job, `${input.kind} not sent (${isPermanent ? 'permanent' : 'transient'}): ${detail}`);
    await db.notification.update({
      where: { id: input.notificationId },
      data: { claimedUntil: null, error: reason, ...(isPermanent ? { failedAt: new Date() } : {}) },
      select: { id: true },
    });
    if (isPermanent) throw new UnrecoverableError(reason);
    throw new SendDeferredError(reason, { cause: input.err });
  }

  return handleJob(notifyJob, async (data, job) => {
    const { mediaId, requestId } = data;
    const guard = runGuardOf(data);
    // A run a re-drive or reprocess replaced (ADR 0015): the current run owes the email, not this one.
    // Checked before the `fail` below (guarded on the run too) and again after it, for a run that
    // changed in between.
    const isStale = (row: { run: number } | null) =>
      guard.run !== undefined && !!row && row.run !== guard.run;
    const skipStaleRun = async (row: { run: number; status: string }) => {
      await appendJobLog(job, `stale run ${guard.run} (media is on run ${row.run}): nothing sent`);
      logger.warn(
        { mediaId, requestId, run: guard.run, currentRun: row.run },
        'notify of a stale run: no effect',
      );
      const kind = row.status === 'READY' ? 'MEDIA_READY' : 'MEDIA_FAILED';
      return { kind, messageId: notificationMessageId(mediaId, kind), sent: false, stale: true as const };
    };
    if (guard.run !== undefined) {
      const row = await db.media.findUnique({ where: { id: mediaId }, select: { run: true, status: true } });
      if (row && isStale(row)) return skipStaleRun(row);
    }
    if (await transitionMedia(db, mediaId, 'fail', { error: GENERAL_FAILURE_MESSAGE }, guard)) {
      logger.warn(
        { mediaId, requestId },
        'flow ended before finalize recorded an outcome; media marked FAILED',
      );
      await publish({ mediaId, type: 'failed' });
    }

    const media = await db.media.findUnique({
      where: { id: mediaId },
      select: {
        id: true,
        status: true,
        run: true,
        originalName: true,
        error: true,
        owner: { select: { email: true, name: true } },
        _count: { select: { renditions: true } },
      },
    });
    if (!media) throw new UnrecoverableError('The media was deleted before its notification was sent');
    if (isStale(media)) return skipStaleRun(media);

    const kind = media.status === 'READY' ? 'MEDIA_READY' : 'MEDIA_FAILED';
    const messageId = notificationMessageId(mediaId, kind);
    const notification = await db.notification.upsert({
      where: { mediaId_kind: { mediaId, kind } },
      create: { mediaId, kind, recipient: media.owner.email, messageId },
      update: {},
      select: { id: true, sentAt: true, recipient: true },
    });
    if (notification.sentAt) {
      await appendJobLog(job, `${kind} already sent at ${notification.sentAt.toISOString()}: nothing to do`);
      return { kind, messageId, sent: false };
    }
    const now = new Date();
    const claimedUntil = new Date(now.getTime() + leaseMs);
    const claimed = await db.notification.updateMany({
      where: {
        id: notification.id,
        sentAt: null,
        failedAt: null,
        OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }],
      },
      data: { claimedUntil },
    });
    if (claimed.count === 0) {
      const row = await db.notification.findUniqueOrThrow({
        where: { id: notification.id },
        select: { sentAt: true, failedAt: true, error: true },
      });
      if (row.sentAt) return { kind, messageId, sent: false };
      if (row.failedAt) throw new UnrecoverableError(row.error ?? GENERAL_FAILURE_MESSAGE);
      await appendJobLog(job, `${kind} is being sent by another run: waiting for its outcome`);
      throw new SendDeferredError(`${kind} is being sent by another run of this job`);
    }

    const url = `${deps.publicUrl.replace(/\/$/, '')}/media/${mediaId}`;
    const email =
      kind === 'MEDIA_READY'
        ? renderMediaReadyEmail({
            recipientName: media.owner.name ?? undefined,
            mediaName: media.originalName,
            mediaUrl: url,
            renditionCount: media._count.renditions,
          })
        : renderMediaFailedEmail({
            mediaName: media.originalName,
            mediaUrl: url,
            reason: media.error ?? GENERAL_FAILURE_MESSAGE,
          });
    // A crash between send and the update below resends once with the same Message-ID (ADR 0002), and
    // so does a send whose outcome is unknown (connection lost after DATA, before the server's reply).
    const lease = holdSendLease(notification.id, claimedUntil, { mediaId, requestId, kind });
    const attributes = { 'fjord.media.id': mediaId, 'fjord.notification.kind': kind };
    const sent = await withSpan('smtp send', { kind: SpanKind.CLIENT, attributes }, () =>
      mailer.send({ to: notification.recipient, ...email, messageId }),
    ).then(
      () => ({ ok: true as const }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    lease.stop();
    if (!sent.ok) await recordSendFailure(job, { notificationId: notification.id, kind, err: sent.err });
    await db.notification.update({
      where: { id: notification.id },
      data: { sentAt: new Date(), claimedUntil: null, failedAt: null, error: null },
      select: { id: true },
    });
    await appendJobLog(job, `${kind} sent (${messageId})`);
    logger.info({ mediaId, requestId, kind }, 'notification sent');
    await publish({ mediaId, type: 'notified' });
    return { kind, messageId, sent: true };
  });
}

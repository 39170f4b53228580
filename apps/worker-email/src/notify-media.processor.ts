import { transitionMedia, type DbClient } from '@fjord/db';
import { mediaMessageId, renderMediaFailedEmail, renderMediaReadyEmail } from '@fjord/email';
import {
  appendJobLog,
  GENERAL_FAILURE_MESSAGE,
  handleJob,
  notifyMediaJob,
  runGuardOf,
  safePublish,
  UnrecoverableError,
  type MediaEventPublisher,
  type QueueLogger,
} from '@fjord/queue';
import {
  DEFAULT_SEND_LEASE_MS,
  notificationOutbox,
  sendOnce,
  waitingOutDeferredSends,
  type OutboxMailer,
} from './outbox-send';

export type NotifyProcessorDeps = {
  db: DbClient;
  mailer: OutboxMailer;
  events: Pick<MediaEventPublisher, 'publish'>;
  logger: QueueLogger;
  publicUrl: string;
  /** How long one run owns a notification's send before it renews the lease (every third of it). */
  sendLeaseMs?: number;
};

/** Deterministic, so a resend after a crash carries the same id and mail clients can fold duplicates. */
export function notificationMessageId(mediaId: string, kind: 'MEDIA_READY' | 'MEDIA_FAILED'): string {
  return mediaMessageId(mediaId, kind === 'MEDIA_READY' ? 'ready' : 'failed');
}

const UNVERIFIED = 'the owner has not confirmed their email address (docs/adr/0024)';

const notifyJob = waitingOutDeferredSends(notifyMediaJob);

/**
 * The last step of every flow. It also runs when finalize failed for good (the flow ignores that
 * failure), so a media still in flight here is marked FAILED first: the uploader always hears back.
 * Exactly once per media and outcome: the Notification row is the outbox (outbox-send.ts). An owner
 * whose address is not verified yet (self-service sign-up, docs/adr/0024) gets nothing.
 */
export function createNotifyProcessor(deps: NotifyProcessorDeps) {
  const { db, mailer, logger } = deps;
  const publish = safePublish(deps.events, logger);
  const outbox = notificationOutbox(db);
  const sendDeps = { mailer, logger, leaseMs: deps.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS };

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
        owner: { select: { email: true, name: true, emailVerifiedAt: true } },
        _count: { select: { renditions: true } },
      },
    });
    if (!media) throw new UnrecoverableError('The media was deleted before its notification was sent');
    if (isStale(media)) return skipStaleRun(media);

    const kind = media.status === 'READY' ? 'MEDIA_READY' : 'MEDIA_FAILED';
    const messageId = notificationMessageId(mediaId, kind);
    // An unverified owner's row is recorded settled, so the reconciler does not re-drive it and no late
    // mail follows a verification.
    const unverified = !media.owner.emailVerifiedAt;
    const notification = await db.notification.upsert({
      where: { mediaId_kind: { mediaId, kind } },
      create: {
        mediaId,
        kind,
        recipient: media.owner.email,
        messageId,
        ...(unverified && { failedAt: new Date(), error: UNVERIFIED }),
      },
      update: {},
      select: { id: true, sentAt: true, recipient: true },
    });
    if (unverified) {
      await appendJobLog(job, `${kind} not sent: ${UNVERIFIED}`);
      return { kind, messageId, sent: false, unverified: true as const };
    }
    if (notification.sentAt) {
      await appendJobLog(job, `${kind} already sent at ${notification.sentAt.toISOString()}: nothing to do`);
      return { kind, messageId, sent: false };
    }

    const url = `${deps.publicUrl.replace(/\/$/, '')}/media/${mediaId}`;
    const message =
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
    const outcome = await sendOnce(sendDeps, outbox, job, {
      id: notification.id,
      label: kind,
      to: notification.recipient,
      messageId,
      message,
      attributes: { 'fjord.media.id': mediaId, 'fjord.notification.kind': kind },
    });
    if (outcome === 'already-sent') return { kind, messageId, sent: false };
    logger.info({ mediaId, requestId, kind }, 'notification sent');
    await publish({ mediaId, type: 'notified' });
    return { kind, messageId, sent: true };
  });
}

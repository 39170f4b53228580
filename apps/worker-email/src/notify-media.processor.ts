import { transitionMedia, type DbClient } from '@fjord/db';
import { mediaMessageId, renderMediaFailedEmail, renderMediaReadyEmail } from '@fjord/email';
import {
  appendJobLog,
  GENERAL_FAILURE_MESSAGE,
  handleJob,
  notifyMediaJob,
  UnrecoverableError,
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
};

/** Deterministic, so a resend after a crash carries the same id and mail clients can fold duplicates. */
export function notificationMessageId(mediaId: string, kind: 'MEDIA_READY' | 'MEDIA_FAILED'): string {
  return mediaMessageId(mediaId, kind === 'MEDIA_READY' ? 'ready' : 'failed');
}

/**
 * The last step of every flow. It also runs when finalize failed for good (the flow ignores that
 * failure), so a media still in flight here is marked FAILED first: the uploader always hears back.
 * Exactly once per media and outcome: the Notification row is the outbox, `sentAt` the receipt.
 */
export function createNotifyProcessor(deps: NotifyProcessorDeps) {
  const { db, mailer, events, logger } = deps;

  return handleJob(notifyMediaJob, async ({ mediaId, requestId }, job) => {
    if (await transitionMedia(db, mediaId, 'fail', { error: GENERAL_FAILURE_MESSAGE })) {
      logger.warn(
        { mediaId, requestId },
        'flow ended before finalize recorded an outcome; media marked FAILED',
      );
      await events.publish({ mediaId, type: 'failed' }).catch(() => undefined);
    }

    const media = await db.media.findUnique({
      where: { id: mediaId },
      select: {
        id: true,
        status: true,
        originalName: true,
        error: true,
        owner: { select: { email: true, name: true } },
        _count: { select: { renditions: true } },
      },
    });
    if (!media) throw new UnrecoverableError('The media was deleted before its notification was sent');

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
    // A crash between send and the update below resends once with the same Message-ID (ADR 0002).
    await mailer.send({ to: notification.recipient, ...email, messageId });
    await db.notification.update({
      where: { id: notification.id },
      data: { sentAt: new Date() },
      select: { id: true },
    });
    await appendJobLog(job, `${kind} sent (${messageId})`);
    logger.info({ mediaId, requestId, kind }, 'notification sent');
    await events.publish({ mediaId, type: 'notified' }).catch(() => undefined);
    return { kind, messageId, sent: true };
  });
}

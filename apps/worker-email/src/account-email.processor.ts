import type { DbClient } from '@fjord/db';
import { renderVerifyEmail } from '@fjord/email';
import { appendJobLog, handleJob, sendAccountEmailJob, type QueueLogger } from '@fjord/queue';
import {
  accountEmailOutbox,
  DEFAULT_SEND_LEASE_MS,
  sendOnce,
  waitingOutDeferredSends,
  type OutboxMailer,
} from './outbox-send';

export type AccountEmailProcessorDeps = {
  db: DbClient;
  mailer: OutboxMailer;
  logger: QueueLogger;
  /** For the mail's wording only: the link's expiry is signed into it. */
  verificationTtlHours: number;
  sendLeaseMs?: number;
};

const accountEmailJob = waitingOutDeferredSends(sendAccountEmailJob);

/**
 * Sends one AccountEmail outbox row (a verification link, docs/adr/0024), exactly once like a media
 * notification (outbox-send.ts). Not sent, and settled so, when it is no longer wanted: the address was
 * verified meanwhile, the account has another address now, or is being erased.
 */
export function createAccountEmailProcessor(deps: AccountEmailProcessorDeps) {
  const { db, logger } = deps;
  const outbox = accountEmailOutbox(db);
  const sendDeps = { mailer: deps.mailer, logger, leaseMs: deps.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS };

  return handleJob(accountEmailJob, async ({ accountEmailId }, job) => {
    const row = await db.accountEmail.findUnique({
      where: { id: accountEmailId },
      select: {
        id: true,
        kind: true,
        recipient: true,
        messageId: true,
        link: true,
        sentAt: true,
        user: { select: { email: true, name: true, emailVerifiedAt: true, erasingAt: true } },
      },
    });
    if (!row) {
      await appendJobLog(job, 'the account is gone: nothing to send');
      return { sent: false };
    }
    if (row.sentAt) return { sent: false };
    const unwanted = whyUnwanted(row);
    if (unwanted) {
      await outbox.update(row.id, {
        claimedUntil: null,
        failedAt: new Date(),
        error: `Not sent: ${unwanted}.`,
      });
      await appendJobLog(job, `${row.kind} not sent: ${unwanted}`);
      return { sent: false };
    }
    const outcome = await sendOnce(sendDeps, outbox, job, {
      id: row.id,
      label: row.kind,
      to: row.recipient,
      messageId: row.messageId,
      message: renderVerifyEmail({
        recipientName: row.user.name ?? undefined,
        link: row.link!,
        validHours: deps.verificationTtlHours,
      }),
      attributes: { 'fjord.account_email.kind': row.kind },
    });
    if (outcome === 'sent') logger.info({ accountEmailId, kind: row.kind }, 'account email sent');
    return { sent: outcome === 'sent' };
  });
}

/** Why this row's link should no longer go out, or null when it should. */
function whyUnwanted(row: {
  recipient: string;
  link: string | null;
  user: { email: string; emailVerifiedAt: Date | null; erasingAt: Date | null };
}): string | null {
  if (row.user.erasingAt) return 'the account is being erased';
  if (row.user.emailVerifiedAt) return 'the address was verified before this link went out';
  if (row.user.email !== row.recipient) return 'the account has another address now';
  if (!row.link) return 'the link was withdrawn';
  return null;
}

import type { DbClient } from '@fjord/db';
import { classifySmtpError, describeSmtpError } from '@fjord/email';
import { SpanKind, withSpan } from '@fjord/observability';
import {
  appendJobLog,
  GENERAL_FAILURE_MESSAGE,
  UnrecoverableError,
  type Job,
  type JobDefinition,
  type QueueLogger,
} from '@fjord/queue';

export type OutboxMailer = {
  send(message: {
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
  }): Promise<unknown>;
};

/**
 * Renewed every 10 s while the send is in flight, however long the SMTP timeouts let it take: a sender
 * killed mid-send is replaced within 30 s (it was a fixed 120 s, covering the longest send). A run is
 * only ever replaced while alive if its event loop froze for 20 s (docs/adr/0025-stalled-jobs.md).
 */
export const DEFAULT_SEND_LEASE_MS = 30_000;

/**
 * The mail server or the path to it is down or busy (4xx, refused, timed out), or another run of this
 * job is sending right now: an infrastructure fault, waited out like a database outage, never a failure.
 */
export class SendDeferredError extends Error {
  override readonly name = 'SendDeferredError';
}

/** The job's definition with a deferred send classified as an infrastructure fault (waited out). */
export function waitingOutDeferredSends<D extends Pick<JobDefinition, 'classify'>>(definition: D): D {
  return {
    ...definition,
    classify: (err: unknown) =>
      err instanceof SendDeferredError
        ? { kind: 'infrastructure', message: GENERAL_FAILURE_MESSAGE, detail: err.message }
        : definition.classify(err),
  };
}

type Receipt = { sentAt: Date | null; failedAt: Date | null; error: string | null };
type ReceiptUpdate = { claimedUntil: null; error: string | null; failedAt?: Date | null; sentAt?: Date };

/** The receipt columns of one outbox table (Notification, AccountEmail): claim, renew, read, write. */
export type OutboxTable = {
  claim(id: string, now: Date, until: Date): Promise<boolean>;
  renew(id: string, current: Date, next: Date): Promise<boolean>;
  receipt(id: string): Promise<Receipt>;
  update(id: string, data: ReceiptUpdate): Promise<void>;
};

type OutboxWhere = {
  id: string;
  sentAt: null;
  failedAt?: null;
  claimedUntil?: Date;
  OR?: { claimedUntil: null | { lt: Date } }[];
};
/** Written with the receipt once a row is sent or has failed for good. */
type SettleColumns = { link?: null };

/** What the adapter uses of a Prisma delegate with the outbox columns (Notification, AccountEmail). */
type OutboxModel = {
  updateMany(args: { where: OutboxWhere; data: { claimedUntil: Date } }): Promise<{ count: number }>;
  findUniqueOrThrow(args: { where: { id: string }; select: typeof receiptSelect }): Promise<Receipt>;
  update(args: {
    where: { id: string };
    data: ReceiptUpdate & SettleColumns;
    select: { id: true };
  }): Promise<unknown>;
};

const receiptSelect = { sentAt: true, failedAt: true, error: true } as const;

function outboxTable(model: OutboxModel, onSettle: SettleColumns = {}): OutboxTable {
  const claimUntil = async (where: OutboxWhere, until: Date) =>
    (await model.updateMany({ where, data: { claimedUntil: until } })).count === 1;
  return {
    claim: (id, now, until) =>
      claimUntil(
        { id, sentAt: null, failedAt: null, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
        until,
      ),
    renew: (id, current, next) => claimUntil({ id, sentAt: null, claimedUntil: current }, next),
    receipt: (id) => model.findUniqueOrThrow({ where: { id }, select: receiptSelect }),
    update: async (id, data) => {
      const isSettled = data.sentAt !== undefined || !!data.failedAt;
      await model.update({
        where: { id },
        data: { ...data, ...(isSettled ? onSettle : {}) },
        select: { id: true },
      });
    },
  };
}

export const notificationOutbox = (db: DbClient): OutboxTable => outboxTable(db.notification);

/** The link in an account email is a credential until it expires: it goes as the message is sent. */
export const accountEmailOutbox = (db: DbClient): OutboxTable => outboxTable(db.accountEmail, { link: null });

export type OutboxSendDeps = {
  mailer: OutboxMailer;
  logger: QueueLogger;
  /** How long one run owns a row's send before it renews the lease (every third of it). */
  leaseMs: number;
};

/**
 * Sends one outbox row's message exactly once: a lease (`claimedUntil`) makes one run at a time the
 * sender — a run that lost its lock (stalled) and was handed to another worker cannot send a second copy
 * while the first is still sending — and `sentAt` is the receipt. 5xx to RCPT/DATA fails at once and for
 * good (recorded on the row); anything else waits and retries. A crash between the send and the receipt
 * resends once with the same Message-ID (ADR 0002), and so does a send whose outcome is unknown.
 */
export async function sendOnce(
  deps: OutboxSendDeps,
  table: OutboxTable,
  job: Job,
  input: {
    id: string;
    label: string;
    to: string;
    messageId: string;
    message: { subject: string; text: string; html: string };
    attributes: Record<string, string>;
  },
): Promise<'sent' | 'already-sent'> {
  const now = new Date();
  const claimedUntil = new Date(now.getTime() + deps.leaseMs);
  if (!(await table.claim(input.id, now, claimedUntil))) {
    const row = await table.receipt(input.id);
    if (row.sentAt) return 'already-sent';
    if (row.failedAt) throw new UnrecoverableError(row.error ?? 'The message could not be sent.');
    await appendJobLog(job, `${input.label} is being sent by another run: waiting for its outcome`);
    throw new SendDeferredError(`${input.label} is being sent by another run of this job`);
  }

  const lease = holdSendLease(deps, table, input.id, claimedUntil);
  const sent = await withSpan('smtp send', { kind: SpanKind.CLIENT, attributes: input.attributes }, () =>
    deps.mailer.send({ to: input.to, ...input.message, messageId: input.messageId }),
  ).then(
    () => ({ ok: true as const }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  lease.stop();
  if (!sent.ok) {
    const isPermanent = classifySmtpError(sent.err) === 'permanent';
    const detail = describeSmtpError(sent.err);
    const reason = isPermanent
      ? `The mail server refused the message: ${detail}`
      : `Not sent yet after ${job.attemptsStarted} attempt(s), retrying: ${detail}`;
    await appendJobLog(
      job,
      `${input.label} not sent (${isPermanent ? 'permanent' : 'transient'}): ${detail}`,
    );
    await table.update(input.id, {
      claimedUntil: null,
      error: reason,
      ...(isPermanent ? { failedAt: new Date() } : {}),
    });
    if (isPermanent) throw new UnrecoverableError(reason);
    throw new SendDeferredError(reason, { cause: sent.err });
  }
  await table.update(input.id, { sentAt: new Date(), claimedUntil: null, failedAt: null, error: null });
  await appendJobLog(job, `${input.label} sent (${input.messageId})`);
  return 'sent';
}

/** Moves the lease on while the send runs; stops at the first renewal that finds it no longer ours. */
function holdSendLease(deps: OutboxSendDeps, table: OutboxTable, id: string, claimedUntil: Date) {
  let current = claimedUntil;
  const timer = setInterval(
    () => {
      const next = new Date(Date.now() + deps.leaseMs);
      table
        .renew(id, current, next)
        .then((isOurs) => {
          if (isOurs) current = next;
          else clearInterval(timer);
        })
        .catch((err: unknown) => deps.logger.warn({ id, err }, 'could not renew the send lease'));
    },
    Math.max(100, Math.floor(deps.leaseMs / 3)),
  );
  return { stop: () => clearInterval(timer) };
}

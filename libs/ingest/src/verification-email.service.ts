import { randomUUID } from 'node:crypto';
import { signVerificationToken, verificationLink } from '@fjord/auth';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { accountEmailJobId, jobOf, sendAccountEmailJob, type Queues } from '@fjord/queue';

export type VerificationEmailDeps = {
  db: DbClient;
  queues: Pick<Queues, 'email'>;
  config: Pick<
    Config,
    'FJORD_PUBLIC_URL' | 'EMAIL_VERIFICATION_TTL_HOURS' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'
  >;
  urlSigningSecret: string;
};

/** One link a minute and five a day per account: enough for a lost mail, useless for mail-bombing. */
export const VERIFICATION_RESEND_INTERVAL_MS = 60_000;
export const VERIFICATION_EMAILS_PER_DAY = 5;

const DAY_MS = 24 * 3600_000;

export type VerificationEmailRequest =
  | { status: 'queued'; recipient: string; accountEmailId: string }
  | { status: 'already-verified'; recipient: string };

/**
 * Queues a verification link to the account's address (docs/adr/0024): an AccountEmail outbox row with
 * the signed link, then a send job under the row's fixed id, so a retry or the reconciler never mails
 * twice. The row is written under the account's row lock, so two clicks cannot both pass the limits.
 * A Redis failure after the commit leaves an unsent row that the maintenance sweep queues again.
 */
export async function requestVerificationEmail(
  deps: VerificationEmailDeps,
  userId: string,
  now = new Date(),
): Promise<VerificationEmailRequest> {
  const { db, config } = deps;
  const outcome = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId}::uuid FOR UPDATE`;
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { email: true, emailVerifiedAt: true, erasingAt: true, disabledAt: true },
    });
    if (!user || user.erasingAt) throw new AppError('not_found', 'This account does not exist.');
    if (user.disabledAt) throw new AppError('forbidden', 'This account has been disabled.');
    if (user.emailVerifiedAt) return { status: 'already-verified' as const, recipient: user.email };
    const recent = await tx.accountEmail.findMany({
      where: { userId, kind: 'VERIFY_EMAIL', createdAt: { gt: new Date(now.getTime() - DAY_MS) } },
      select: { createdAt: true },
      orderBy: { createdAt: 'desc' },
    });
    const last = recent[0]?.createdAt.getTime();
    if (last !== undefined && now.getTime() - last < VERIFICATION_RESEND_INTERVAL_MS) {
      throw new AppError(
        'rate_limited',
        'A confirmation link was sent less than a minute ago: check your inbox (and spam folder) first.',
      );
    }
    if (recent.length >= VERIFICATION_EMAILS_PER_DAY) {
      throw new AppError(
        'rate_limited',
        `${VERIFICATION_EMAILS_PER_DAY} confirmation links were sent today: use one of them, or ask again tomorrow.`,
      );
    }
    const token = signVerificationToken({
      secret: deps.urlSigningSecret,
      userId,
      email: user.email,
      expiresAt: new Date(now.getTime() + config.EMAIL_VERIFICATION_TTL_HOURS * 3600_000),
    });
    const id = randomUUID();
    await tx.accountEmail.create({
      data: {
        id,
        userId,
        kind: 'VERIFY_EMAIL',
        recipient: user.email,
        messageId: `<account-${id}-verify-email@fjord>`,
        link: verificationLink(config.FJORD_PUBLIC_URL, token),
        createdAt: now,
      },
      select: { id: true },
    });
    return { status: 'queued' as const, recipient: user.email, accountEmailId: id };
  });
  if (outcome.status === 'queued') await enqueueAccountEmail(deps, outcome.accountEmailId);
  return outcome;
}

export async function enqueueAccountEmail(
  deps: { queues: Pick<Queues, 'email'>; config: Pick<Config, 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'> },
  accountEmailId: string,
): Promise<void> {
  const job = jobOf(
    sendAccountEmailJob,
    deps.config,
    { v: 1, accountEmailId },
    { jobId: accountEmailJobId(accountEmailId) },
  );
  await deps.queues.email.add(job.name, job.data, job.opts);
}

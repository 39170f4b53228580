import { parseArgs } from 'node:util';
import { loadUrlSigningSecret, normalizeEmail } from '@fjord/auth';
import { getConfig } from '@fjord/config';
import { requestVerificationEmail } from '@fjord/ingest';
import { createQueues } from '@fjord/queue';
import { requireOption, UsageError, withDb } from '../cli-context';

export const userVerifyHelp = `fjord user verify --email <email> [--send | --mark]
  Shows whether the address of an account is confirmed (docs/adr/0024): until it is, no notification is
  mailed to it. --send queues a new verification link to it (one a minute, five a day); --mark confirms
  it yourself, as an operator who knows the address is theirs.`;

export async function runUserVerify(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, send: { type: 'boolean' }, mark: { type: 'boolean' } },
    strict: true,
  });
  const email = normalizeEmail(requireOption(values, 'email'));
  if (values.send && values.mark) throw new UsageError('Pass --send or --mark, not both.');
  const config = getConfig();
  const queues = values.send ? createQueues(config) : undefined;
  try {
    const line = await withDb(async (db) => {
      const user = await db.user.findUnique({
        where: { email },
        select: { id: true, emailVerifiedAt: true },
      });
      if (!user) throw new UsageError(`No user with the email ${email}.`);
      if (values.mark) {
        if (user.emailVerifiedAt)
          return `${email} was already confirmed (${user.emailVerifiedAt.toISOString()}).`;
        await db.auditLog.create({
          data: {
            actorId: null,
            action: 'user.email-verified',
            targetType: 'user',
            targetId: user.id,
            meta: { via: 'cli' },
          },
        });
        await db.user.updateMany({
          where: { id: user.id, emailVerifiedAt: null },
          data: { emailVerifiedAt: new Date() },
        });
        return `${email} is confirmed: notifications will be mailed to it.`;
      }
      if (queues) {
        const result = await requestVerificationEmail(
          { db, queues, config, urlSigningSecret: loadUrlSigningSecret(config) },
          user.id,
        );
        return result.status === 'queued'
          ? `A verification link to ${email} is queued (valid ${config.EMAIL_VERIFICATION_TTL_HOURS} h).`
          : `${email} is already confirmed: nothing sent.`;
      }
      const last = await db.accountEmail.findFirst({
        where: { userId: user.id, kind: 'VERIFY_EMAIL' },
        orderBy: { createdAt: 'desc' },
        select: { createdAt: true, sentAt: true, error: true },
      });
      if (user.emailVerifiedAt) return `${email}: confirmed ${user.emailVerifiedAt.toISOString()}.`;
      const link = last
        ? `last link queued ${last.createdAt.toISOString()}, ${last.sentAt ? `sent ${last.sentAt.toISOString()}` : (last.error ?? 'not sent yet')}`
        : 'no link sent';
      return `${email}: not confirmed (${link}). No notification is mailed to it.`;
    });
    console.log(line);
  } finally {
    await queues?.close();
  }
}

import { z } from 'zod';
import { confirmEmail } from '@fjord/auth';
import { requestVerificationEmail } from '@fjord/ingest';
import type { ApiServices } from '../services';
import { authedProcedure, publicProcedure } from '../trpc';

/**
 * Email verification (docs/adr/0024): a self-service account gets a signed, expiring link at sign-up
 * and may ask for another; opening it confirms the address. Until then the account works, but no
 * notification is mailed to it.
 */

/** Sign-up must not fail on a mail that could not be queued: the sweep re-queues the outbox row. */
export async function queueVerificationAfterSignUp(services: ApiServices, userId: string): Promise<void> {
  await requestVerificationEmail(services, userId).catch((err: unknown) =>
    services.logger.error({ err, userId }, 'the verification email could not be queued at sign-up'),
  );
}

export const emailVerificationProcedure = authedProcedure.query(async ({ ctx }) => {
  const user = await ctx.services.db.user.findUniqueOrThrow({
    where: { id: ctx.user.id },
    select: { email: true, emailVerifiedAt: true },
  });
  const lastSent = await ctx.services.db.accountEmail.findFirst({
    where: { userId: ctx.user.id, kind: 'VERIFY_EMAIL' },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true },
  });
  return {
    email: user.email,
    verifiedAt: user.emailVerifiedAt?.toISOString() ?? null,
    lastLinkAt: lastSent?.createdAt.toISOString() ?? null,
  };
});

export const sendVerificationEmailProcedure = authedProcedure.mutation(async ({ ctx }) => {
  const result = await requestVerificationEmail(ctx.services, ctx.user.id);
  return { status: result.status, recipient: result.recipient };
});

export const verifyEmailProcedure = publicProcedure
  .input(z.object({ token: z.string().trim().min(1).max(200) }))
  .mutation(async ({ ctx, input }) => {
    const { outcome } = await confirmEmail(ctx.services.db, {
      secret: ctx.services.urlSigningSecret,
      token: input.token,
    });
    return { outcome };
  });

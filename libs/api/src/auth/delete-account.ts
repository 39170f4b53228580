import { assertCurrentPassword, serializeClearedSessionCookie } from '@fjord/auth';
import { authedProcedure } from '../trpc';
import { DeleteAccountInputSchema } from './auth.schemas';

/**
 * Self-service erasure (GDPR art. 17): the password again, then everything of the account goes
 * (docs/adr/0018). Throttled like sign-in, so a stolen session cannot guess the password here either.
 */
export const deleteAccountProcedure = authedProcedure
  .input(DeleteAccountInputSchema)
  .mutation(async ({ ctx, input }) => {
    const { authThrottle, db } = ctx.services;
    const attempt = { action: 'signin' as const, ip: ctx.clientIp, email: ctx.user.email };
    await authThrottle.consumeAttempt(attempt);
    await assertCurrentPassword(db, ctx.user.id, input.password);
    await authThrottle.clearAccount(attempt);
    const result = await ctx.services.eraseUser({ userId: ctx.user.id, actorId: ctx.user.id });
    ctx.resHeaders.append(
      'Set-Cookie',
      serializeClearedSessionCookie({ secure: ctx.services.config.cookieSecure }),
    );
    return { erased: result.erased, media: result.media };
  });

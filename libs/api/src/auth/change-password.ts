import { changePassword } from '@fjord/auth';
import { authedProcedure } from '../trpc';
import { ChangePasswordInputSchema } from './auth.schemas';

/** Needs the current password; every other session of the user is signed out, this one stays. */
export const changePasswordProcedure = authedProcedure
  .input(ChangePasswordInputSchema)
  .mutation(async ({ ctx, input }) => {
    const { authThrottle, db } = ctx.services;
    // A stolen session must not become a way to guess the password: same per-account budget as sign-in.
    const attempt = { action: 'signin' as const, ip: ctx.clientIp, email: ctx.user.email };
    await authThrottle.consumeAttempt(attempt);
    const result = await changePassword({
      db,
      userId: ctx.user.id,
      currentPassword: input.currentPassword,
      newPassword: input.newPassword,
      keepSessionId: ctx.sessionId,
    });
    await authThrottle.clearAccount(attempt);
    return result;
  });

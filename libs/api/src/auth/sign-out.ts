import { revokeSession, serializeClearedSessionCookie } from '@fjord/auth';
import { publicProcedure } from '../trpc';

// Public on purpose: signing out with an expired session should still clear the cookie.
export const signOutProcedure = publicProcedure.mutation(async ({ ctx }) => {
  await revokeSession(ctx.services.db, ctx.sessionToken);
  ctx.resHeaders.append(
    'Set-Cookie',
    serializeClearedSessionCookie({ secure: ctx.services.config.cookieSecure }),
  );
  return { ok: true as const };
});

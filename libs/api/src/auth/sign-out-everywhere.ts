import { revokeAllSessions, serializeClearedSessionCookie } from '@fjord/auth';
import { authedProcedure } from '../trpc';

/** Revokes every session of the user, this one included. API keys are not sessions and stay valid. */
export const signOutEverywhereProcedure = authedProcedure.mutation(async ({ ctx }) => {
  await revokeAllSessions(ctx.services.db, ctx.user.id);
  ctx.resHeaders.append(
    'Set-Cookie',
    serializeClearedSessionCookie({ secure: ctx.services.config.cookieSecure }),
  );
  return { ok: true as const };
});

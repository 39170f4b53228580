import { signIn } from '@fjord/auth';
import { publicProcedure } from '../trpc';
import { SignInInputSchema } from './auth.schemas';
import { startSession } from './start-session';

export const signInProcedure = publicProcedure.input(SignInInputSchema).mutation(async ({ ctx, input }) => {
  const { authThrottle, db } = ctx.services;
  // Counted before the password is checked: a wrong one keeps the count, only a success clears it.
  await authThrottle.consumeAttempt({ action: 'signin', ip: ctx.clientIp, email: input.email });
  const user = await signIn(db, input);
  await authThrottle.clearAccount({ action: 'signin', email: input.email });
  await startSession(ctx, user.id);
  return { user };
});

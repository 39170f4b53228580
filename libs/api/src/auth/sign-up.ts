import { signUpInMode } from '@fjord/auth';
import { publicProcedure } from '../trpc';
import { SignUpInputSchema } from './auth.schemas';
import { queueVerificationAfterSignUp } from './email-verification';
import { startSession } from './start-session';

export const signUpProcedure = publicProcedure.input(SignUpInputSchema).mutation(async ({ ctx, input }) => {
  const { authThrottle, config, db } = ctx.services;
  await authThrottle.consumeAttempt({ action: 'signup', ip: ctx.clientIp, email: input.email });
  const user = await signUpInMode(db, { mode: config.SIGNUP_MODE, input });
  await startSession(ctx, user.id);
  await queueVerificationAfterSignUp(ctx.services, user.id);
  return { user };
});

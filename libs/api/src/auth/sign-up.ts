import { signUp } from '@fjord/auth';
import { publicProcedure } from '../trpc';
import { SignUpInputSchema } from './auth.schemas';
import { startSession } from './start-session';

export const signUpProcedure = publicProcedure.input(SignUpInputSchema).mutation(async ({ ctx, input }) => {
  const user = await signUp(ctx.services.db, input);
  await startSession(ctx, user.id);
  return { user };
});

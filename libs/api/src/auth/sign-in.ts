import { signIn } from '@fjord/auth';
import { publicProcedure } from '../trpc';
import { SignInInputSchema } from './auth.schemas';
import { startSession } from './start-session';

export const signInProcedure = publicProcedure.input(SignInInputSchema).mutation(async ({ ctx, input }) => {
  const user = await signIn(ctx.services.db, input);
  await startSession(ctx, user.id);
  return { user };
});

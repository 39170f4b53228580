import { publicProcedure } from '../trpc';

/** What the sign-up page shows: a form (open), a form needing an invite link (invite), or a notice. */
export const signupModeProcedure = publicProcedure.query(({ ctx }) => ({
  mode: ctx.services.config.SIGNUP_MODE,
}));

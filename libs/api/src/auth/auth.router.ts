import type { TRPCRouterRecord } from '@trpc/server';
import { meProcedure } from './me';
import { signInProcedure } from './sign-in';
import { signOutProcedure } from './sign-out';
import { signUpProcedure } from './sign-up';

export const authRouter = {
  signUp: signUpProcedure,
  signIn: signInProcedure,
  signOut: signOutProcedure,
  me: meProcedure,
} satisfies TRPCRouterRecord;

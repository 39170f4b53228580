import type { TRPCRouterRecord } from '@trpc/server';
import { changePasswordProcedure } from './change-password';
import { deleteAccountProcedure } from './delete-account';
import {
  emailVerificationProcedure,
  sendVerificationEmailProcedure,
  verifyEmailProcedure,
} from './email-verification';
import { meProcedure } from './me';
import { signInProcedure } from './sign-in';
import { signOutEverywhereProcedure } from './sign-out-everywhere';
import { signOutProcedure } from './sign-out';
import { signUpProcedure } from './sign-up';
import { signupModeProcedure } from './signup-mode';

export const authRouter = {
  signUp: signUpProcedure,
  signIn: signInProcedure,
  signOut: signOutProcedure,
  signOutEverywhere: signOutEverywhereProcedure,
  changePassword: changePasswordProcedure,
  deleteAccount: deleteAccountProcedure,
  signupMode: signupModeProcedure,
  me: meProcedure,
  emailVerification: emailVerificationProcedure,
  sendVerificationEmail: sendVerificationEmailProcedure,
  verifyEmail: verifyEmailProcedure,
} satisfies TRPCRouterRecord;

import type { DbClient } from '@fjord/db';
import { signIn, signUp, type SignInInput, type SignUpInput } from './account.service';
import { createSession, resolveSession, revokeSession } from './session.service';

/** The account and session functions bound to one database client. */
export function createAuthService({ db }: { db: DbClient }) {
  return {
    signUp: (input: SignUpInput) => signUp(db, input),
    signIn: (input: SignInInput) => signIn(db, input),
    createSession: (opts: { userId: string; userAgent?: string | null }) => createSession(db, opts),
    resolveSession: (token: string | null | undefined) => resolveSession(db, token),
    revokeSession: (token: string | null | undefined) => revokeSession(db, token),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

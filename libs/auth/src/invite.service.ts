import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { insertAccount, prepareAccount, type SignUpInput } from './account.service';
import { normalizeEmail, type AuthUser } from './auth-user';
import { createRandomToken, sha256Hex } from './crypto.util';

export type SignupMode = 'open' | 'invite' | 'closed';
export type CreatedInvite = { token: string; id: string; email: string; expiresAt: Date };

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const SIGNUP_CLOSED_MESSAGE = 'Sign-up is closed. Ask an administrator to create an account for you.';
export const INVITE_REQUIRED_MESSAGE = 'Sign-up is by invitation only: open the invite link you were sent.';
const INVITE_INVALID_MESSAGE =
  'This invite link is not valid for this email address, has been used already or has expired.';

/** A single-use invite for `email`; the token is returned once (for the link) and only its hash stored. */
export async function createInvite(opts: {
  db: DbClient;
  email: string;
  ttlMs: number;
  createdById?: string | null;
}): Promise<CreatedInvite> {
  const email = normalizeEmail(opts.email);
  if (!EMAIL_RE.test(email) || email.length > 254) {
    throw new AppError('bad_request', 'Please enter a valid email address.');
  }
  const taken = await opts.db.user.findUnique({ where: { email }, select: { id: true } });
  if (taken) throw new AppError('conflict', 'An account with this email already exists.');
  const token = createRandomToken(32);
  const invite = await opts.db.invite.create({
    data: {
      tokenHash: sha256Hex(token),
      email,
      createdById: opts.createdById ?? null,
      expiresAt: new Date(Date.now() + opts.ttlMs),
    },
    select: { id: true, email: true, expiresAt: true },
  });
  return { token, ...invite };
}

/**
 * Uses the invite and creates the account in one transaction: a token works once (the guarded update
 * is the lock), and a sign-up that fails (email taken) leaves the invite unused.
 */
export async function signUpWithInvite(
  db: DbClient,
  input: SignUpInput & { inviteToken: string },
): Promise<AuthUser> {
  const account = await prepareAccount({ ...input, role: 'USER' });
  if (input.inviteToken.length > 200) throw new AppError('forbidden', INVITE_INVALID_MESSAGE);
  return db.$transaction(async (tx) => {
    const used = await tx.invite.updateMany({
      where: {
        tokenHash: sha256Hex(input.inviteToken),
        email: account.email,
        usedAt: null,
        expiresAt: { gt: new Date() },
      },
      data: { usedAt: new Date() },
    });
    if (used.count !== 1) throw new AppError('forbidden', INVITE_INVALID_MESSAGE);
    // The invite was issued for this address by an admin: the address is vouched for.
    return insertAccount(tx, { ...account, emailVerifiedAt: new Date() });
  });
}

/** Self-service sign-up as SIGNUP_MODE allows it (the web's auth.signUp). */
export async function signUpInMode(
  db: DbClient,
  opts: { mode: SignupMode; input: SignUpInput & { inviteToken?: string } },
): Promise<AuthUser> {
  const { inviteToken, ...input } = opts.input;
  // Never an admin from the web, whatever the caller passes.
  const account = { ...input, role: 'USER' as const };
  if (opts.mode === 'closed') throw new AppError('forbidden', SIGNUP_CLOSED_MESSAGE);
  if (opts.mode === 'invite') {
    if (!inviteToken) throw new AppError('forbidden', INVITE_REQUIRED_MESSAGE);
    return signUpWithInvite(db, { ...account, inviteToken });
  }
  return insertAccount(db, { ...(await prepareAccount(account)), emailVerifiedAt: null });
}

/** The sign-up link an invite is sent as (the web's /signup page reads both parameters). */
export function inviteSignupUrl(publicUrl: string, invite: { token: string; email: string }): string {
  const url = new URL('/signup', publicUrl);
  url.searchParams.set('invite', invite.token);
  url.searchParams.set('email', invite.email);
  return url.toString();
}

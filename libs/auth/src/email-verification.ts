import { createHmac } from 'node:crypto';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { isEqualConstantTime } from './crypto.util';

/**
 * Email verification links (docs/adr/0024): `<userId>.<expires>.<hmac>`, where the HMAC binds the
 * account, the address it was sent to and the expiry. Stateless: nothing to store or clean up, and a
 * link for an address the account no longer has is dead by construction. The key is derived from the
 * URL signing secret under its own label, so no other signed value can be replayed as one.
 */
const KEY_LABEL = 'fjord/email-verification/v1';
const TOKEN_RE = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export const VERIFICATION_LINK_INVALID =
  'This confirmation link is not valid. Open the newest link we sent you, or send a new one after signing in.';
export const VERIFICATION_LINK_EXPIRED =
  'This confirmation link has expired. Sign in and send a new one from the banner at the top of the page.';

function signature(secret: string, userId: string, email: string, expires: number): string {
  const key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  return createHmac('sha256', key).update(`${userId}\n${email}\n${expires}`).digest('base64url');
}

export function signVerificationToken(opts: {
  secret: string;
  userId: string;
  email: string;
  expiresAt: Date;
}): string {
  const expires = Math.floor(opts.expiresAt.getTime() / 1000);
  return `${opts.userId}.${expires}.${signature(opts.secret, opts.userId, opts.email, expires)}`;
}

/** The link a verification email carries: the web's /verify-email page, which asks for one click. */
export function verificationLink(publicUrl: string, token: string): string {
  const url = new URL('/verify-email', publicUrl);
  url.searchParams.set('token', token);
  return url.toString();
}

export type VerificationCheck =
  { outcome: 'valid'; userId: string } | { outcome: 'expired' | 'invalid'; userId?: undefined };

/** Checks a token against the address the account has now (constant-time on the signature). */
export function checkVerificationToken(opts: {
  secret: string;
  token: string;
  currentEmail: (userId: string) => string | null;
  now?: Date;
}): VerificationCheck {
  const match = TOKEN_RE.exec(opts.token);
  if (!match) return { outcome: 'invalid' };
  const [, userId, expiresText, sig] = match as unknown as [string, string, string, string];
  const email = opts.currentEmail(userId);
  if (email === null) return { outcome: 'invalid' };
  const expires = Number(expiresText);
  const expected = Buffer.from(signature(opts.secret, userId, email, expires));
  if (!isEqualConstantTime(Buffer.from(sig), expected)) return { outcome: 'invalid' };
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return expires < nowSeconds ? { outcome: 'expired' } : { outcome: 'valid', userId };
}

/**
 * Marks the account's address verified if the token is good; idempotent (a second click, or a mail
 * scanner that opened the page first, changes nothing). Refusals are readable 400s.
 */
export async function confirmEmail(
  db: DbClient,
  opts: { secret: string; token: string; now?: Date },
): Promise<{ userId: string; outcome: 'verified' | 'already-verified' }> {
  const userId = TOKEN_RE.exec(opts.token)?.[1];
  const user = userId
    ? await db.user.findUnique({
        where: { id: userId },
        select: { id: true, email: true, emailVerifiedAt: true, erasingAt: true, disabledAt: true },
      })
    : null;
  const usable = user && !user.erasingAt && !user.disabledAt ? user : null;
  const check = checkVerificationToken({
    secret: opts.secret,
    token: opts.token,
    currentEmail: (id) => (usable?.id === id ? usable.email : null),
    ...(opts.now ? { now: opts.now } : {}),
  });
  if (check.outcome === 'invalid' || !usable) throw new AppError('bad_request', VERIFICATION_LINK_INVALID);
  if (usable.emailVerifiedAt) return { userId: usable.id, outcome: 'already-verified' };
  if (check.outcome === 'expired') throw new AppError('bad_request', VERIFICATION_LINK_EXPIRED);
  // Guarded on the address the token was checked against: a change of address in between wins.
  const { count } = await db.user.updateMany({
    where: { id: usable.id, email: usable.email, emailVerifiedAt: null },
    data: { emailVerifiedAt: opts.now ?? new Date() },
  });
  if (count === 1) return { userId: usable.id, outcome: 'verified' };
  const now = await db.user.findUnique({
    where: { id: usable.id },
    select: { email: true, emailVerifiedAt: true },
  });
  if (now?.email === usable.email && now.emailVerifiedAt)
    return { userId: usable.id, outcome: 'already-verified' };
  throw new AppError('bad_request', VERIFICATION_LINK_INVALID);
}

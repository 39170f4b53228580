import { Prisma, type DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { authUserSelect, normalizeEmail, type AuthUser } from './auth-user';
import { createRandomToken } from './crypto.util';
import { hashPassword, MIN_PASSWORD_LENGTH, needsRehash, verifyPassword } from './password.service';

export type SignUpInput = { email: string; password: string; name?: string | null; role?: 'USER' | 'ADMIN' };
export type SignInInput = { email: string; password: string };

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SIGN_IN_FAILED = 'Email or password is incorrect.';
// Verified against when the email is unknown, so a wrong email costs as much time as a wrong password.
let dummyHash: Promise<string> | undefined;

function assertValidCredentials(email: string, password: string): void {
  if (!EMAIL_RE.test(email) || email.length > 254) {
    throw new AppError('bad_request', 'Please enter a valid email address.');
  }
  assertValidPassword(password);
}

export function assertValidPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError(
      'bad_request',
      `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`,
    );
  }
  if (password.length > 1024) {
    throw new AppError('bad_request', 'The password is too long (1024 characters at most).');
  }
}

/** Validates and hashes what signUp stores; exported for invite sign-up, which inserts in a transaction. */
export async function prepareAccount(input: SignUpInput) {
  const email = normalizeEmail(input.email);
  assertValidCredentials(email, input.password);
  return {
    email,
    passwordHash: await hashPassword(input.password),
    name: input.name?.trim() || null,
    role: input.role ?? 'USER',
  };
}

/**
 * Inserts a prepared account; a taken email becomes a readable conflict. `emailVerifiedAt`: set when
 * the address is vouched for (an operator made the account, or an invite bound to it was used); open
 * self-service sign-up leaves it null until the owner opens a verification link (docs/adr/0024).
 */
export async function insertAccount(
  db: Pick<DbClient, 'user'>,
  data: Awaited<ReturnType<typeof prepareAccount>> & { emailVerifiedAt: Date | null },
): Promise<AuthUser> {
  try {
    return await db.user.create({ data, select: authUserSelect });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      throw new AppError('conflict', 'An account with this email already exists.');
    }
    throw err;
  }
}

/** Creates an account whatever SIGNUP_MODE says: the CLI and bootstrap (see signUpInMode for the web). */
export async function signUp(db: DbClient, input: SignUpInput): Promise<AuthUser> {
  return insertAccount(db, { ...(await prepareAccount(input)), emailVerifiedAt: new Date() });
}

export async function signIn(db: DbClient, input: SignInInput): Promise<AuthUser> {
  const email = normalizeEmail(input.email);
  const user = await db.user.findUnique({
    where: { email },
    select: { ...authUserSelect, passwordHash: true, disabledAt: true },
  });
  if (!user) {
    dummyHash ??= hashPassword(createRandomToken(16));
    await verifyPassword(input.password, await dummyHash);
    throw new AppError('unauthorized', SIGN_IN_FAILED);
  }
  const isValid = await verifyPassword(input.password, user.passwordHash);
  if (!isValid) throw new AppError('unauthorized', SIGN_IN_FAILED);
  if (user.disabledAt) throw new AppError('forbidden', 'This account has been disabled.');
  if (needsRehash(user.passwordHash)) {
    // Only now is the plaintext at hand. Guarded on the old hash, so a concurrent password change wins.
    await db.user.updateMany({
      where: { id: user.id, passwordHash: user.passwordHash },
      data: { passwordHash: await hashPassword(input.password) },
    });
  }
  const { passwordHash: _hash, disabledAt: _disabled, ...authUser } = user;
  return authUser;
}

export type EnsureAdminResult =
  | { outcome: 'created'; user: AuthUser; generatedPassword?: string }
  | { outcome: 'already-admin' | 'promoted' | 'not-promoted'; user: AuthUser };

/**
 * Makes sure an admin account exists for `email`: creates it (with the given password or a generated one,
 * returned once). An existing account is never changed unless `promoteExisting`: sign-up may be open, so
 * whoever registered that address first would otherwise be handed the admin role ('not-promoted').
 * An existing password is never changed.
 */
export async function ensureAdmin(opts: {
  db: DbClient;
  email: string;
  password?: string;
  promoteExisting?: boolean;
}): Promise<EnsureAdminResult> {
  const email = normalizeEmail(opts.email);
  const existing = await opts.db.user.findUnique({ where: { email }, select: authUserSelect });
  if (existing) {
    if (existing.role === 'ADMIN') return { outcome: 'already-admin', user: existing };
    if (!opts.promoteExisting) return { outcome: 'not-promoted', user: existing };
    const user = await opts.db.user.update({
      where: { email },
      data: { role: 'ADMIN' },
      select: authUserSelect,
    });
    return { outcome: 'promoted', user };
  }
  const generatedPassword = opts.password ? undefined : createRandomToken(18);
  const user = await signUp(opts.db, { email, password: opts.password ?? generatedPassword!, role: 'ADMIN' });
  return generatedPassword ? { outcome: 'created', user, generatedPassword } : { outcome: 'created', user };
}

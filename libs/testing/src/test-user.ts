import { randomBytes, scrypt } from 'node:crypto';
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { DbClient, Prisma, UserModel } from '@fjord/db';

/** The plaintext password of every user createTestUser makes (unless overridden). */
export const TEST_PASSWORD = 'correct horse battery staple';

// Must match @fjord/auth's password.service (auth.int.test checks it): a hash below its parameters would be
// rewritten on every sign-in. Cached per password below, so the cost is paid once per process.
const N = 2 ** 14;
const R = 8;
const P = 5;
const KEY_LENGTH = 64;
const hashes = new Map<string, Promise<string>>();

/** The same format @fjord/auth's hashPassword writes: scrypt$N$r$p$<salt b64>$<hash b64>. */
export function hashTestPassword(password: string = TEST_PASSWORD): Promise<string> {
  let hash = hashes.get(password);
  if (!hash) {
    // One hash per password per process: scrypt is slow on purpose, tests need not be.
    hash = new Promise<string>((resolve, reject) => {
      const salt = randomBytes(16);
      scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P }, (error, key) =>
        error
          ? reject(error)
          : resolve(`scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`),
      );
    });
    hashes.set(password, hash);
  }
  return hash;
}

export type TestUserOverrides = Partial<
  Pick<Prisma.UserCreateInput, 'email' | 'name' | 'role' | 'disabledAt' | 'emailVerifiedAt'>
> & {
  password?: string;
};

/**
 * Inserts a user who can sign in with `password` (TEST_PASSWORD by default). Verified, as an operator
 * makes them (pass `emailVerifiedAt: null` for a self-service account that has not confirmed yet).
 */
export async function createTestUser(
  db: DbClient,
  overrides: TestUserOverrides = {},
): Promise<UserModel & { password: string }> {
  const { password = TEST_PASSWORD, ...fields } = overrides;
  const user = await db.user.create({
    data: {
      email: `user-${randomBytes(5).toString('hex')}@test.fjord.local`,
      name: 'Test User',
      passwordHash: await hashTestPassword(password),
      emailVerifiedAt: new Date(),
      ...fields,
    },
  });
  return { ...user, password };
}

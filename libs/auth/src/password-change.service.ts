import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { assertValidPassword } from './account.service';
import { hashPassword, verifyPassword } from './password.service';

export const WRONG_CURRENT_PASSWORD = 'The current password is incorrect.';

/** Throws bad_request unless `password` is the account's current one (re-authentication). */
export async function assertCurrentPassword(db: DbClient, userId: string, password: string) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user) throw new AppError('not_found', 'This account no longer exists.');
  if (!(await verifyPassword(password, user.passwordHash))) {
    throw new AppError('bad_request', WRONG_CURRENT_PASSWORD);
  }
  return user;
}

/**
 * Sets a new password after checking the current one, and signs out every other session of the user
 * (whoever else holds one may be why the password is being changed). `keepSessionId` stays signed in.
 * API keys are not sessions and stay valid. Returns how many sessions were revoked.
 */
export async function changePassword(opts: {
  db: DbClient;
  userId: string;
  currentPassword: string;
  newPassword: string;
  keepSessionId?: string;
}): Promise<{ revokedSessions: number }> {
  const { db, userId } = opts;
  const user = await assertCurrentPassword(db, userId, opts.currentPassword);
  assertValidPassword(opts.newPassword);
  if (opts.newPassword === opts.currentPassword) {
    throw new AppError('bad_request', 'The new password must differ from the current one.');
  }
  const passwordHash = await hashPassword(opts.newPassword);
  return db.$transaction(async (tx) => {
    // Guarded on the hash we verified against: two concurrent changes cannot both win.
    const updated = await tx.user.updateMany({
      where: { id: userId, passwordHash: user.passwordHash },
      data: { passwordHash },
    });
    if (updated.count !== 1) throw new AppError('conflict', 'The password was changed meanwhile. Try again.');
    const revoked = await tx.session.deleteMany({
      where: { userId, ...(opts.keepSessionId ? { id: { not: opts.keepSessionId } } : {}) },
    });
    return { revokedSessions: revoked.count };
  });
}

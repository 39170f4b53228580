import { redirect } from 'next/navigation';
import type { AuthUser } from '@fjord/auth';
import { requireUser } from './current-user';

/** Pages under /admin: sign in first; a signed-in USER is sent home (the API refuses them anyway). */
export async function requireAdmin(returnTo: string): Promise<AuthUser> {
  const user = await requireUser(returnTo);
  if (user.role !== 'ADMIN') redirect('/media?notice=admin-only');
  return user;
}

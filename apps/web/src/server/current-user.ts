import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { resolveSession, SESSION_COOKIE_NAME, type AuthUser } from '@fjord/auth';
import { getServices } from '@fjord/http';

/**
 * The signed-in user of this page request, or null. Server components cannot set cookies, so no renewal.
 * Cached per request: the header, the banner and the page share one session lookup.
 */
export const getCurrentUser = cache(async (): Promise<AuthUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE_NAME)?.value;
  if (!token) return null;
  const session = await resolveSession(getServices().db, token);
  return session?.user ?? null;
});

export async function requireUser(returnTo: string): Promise<AuthUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(returnTo)}`);
  return user;
}

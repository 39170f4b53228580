import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { getCurrentUser } from '@/server/current-user';
import { safeReturnPath } from '@/server/safe-return-path';
import { getServices } from '@fjord/http';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const returnTo = safeReturnPath((await searchParams).next, getServices().config.FJORD_PUBLIC_URL);
  if (await getCurrentUser()) redirect(returnTo);
  return (
    <section className="panel narrow">
      <h1>Sign in</h1>
      <AuthForm mode="sign-in" returnTo={returnTo} />
    </section>
  );
}

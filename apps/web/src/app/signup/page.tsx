import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { getCurrentUser } from '@/server/current-user';
import { getServices } from '@fjord/http';

export const metadata: Metadata = { title: 'Create account' };
export const dynamic = 'force-dynamic';

type Search = Promise<Record<string, string | string[] | undefined>>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Shows what SIGNUP_MODE allows; the server enforces it either way (auth.signUp). */
export default async function SignUpPage({ searchParams }: { searchParams: Search }) {
  if (await getCurrentUser()) redirect('/media');
  const mode = getServices().config.SIGNUP_MODE;
  const params = await searchParams;
  const inviteToken = first(params['invite']);
  const email = first(params['email']);
  return (
    <section className="panel narrow">
      <h1>Create your account</h1>
      {mode === 'closed' && (
        <p className="alert" role="status">
          Sign-up is closed on this Fjord. Ask an administrator to create an account for you.{' '}
          <Link href="/login">Sign in</Link>
        </p>
      )}
      {mode === 'invite' && !inviteToken && (
        <p className="alert" role="status">
          Sign-up is by invitation only: open the invite link an administrator sent you.{' '}
          <Link href="/login">Sign in</Link>
        </p>
      )}
      {mode === 'invite' && inviteToken && (
        <p className="muted">You were invited: sign up with the address the invite was sent to.</p>
      )}
      {(mode === 'open' || (mode === 'invite' && inviteToken)) && (
        <AuthForm mode="sign-up" returnTo="/upload" inviteToken={inviteToken} defaultEmail={email} />
      )}
    </section>
  );
}

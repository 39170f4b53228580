import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { getCurrentUser } from '@/server/current-user';

export const metadata: Metadata = { title: 'Create account' };
export const dynamic = 'force-dynamic';

export default async function SignUpPage() {
  if (await getCurrentUser()) redirect('/media');
  return (
    <section className="panel narrow">
      <h1>Create your account</h1>
      <AuthForm mode="sign-up" returnTo="/upload" />
    </section>
  );
}

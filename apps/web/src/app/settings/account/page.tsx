import type { Metadata } from 'next';
import { AccountPrivacy } from '@/components/account-privacy';
import { AccountSecurity } from '@/components/account-security';
import { requireUser } from '@/server/current-user';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const user = await requireUser('/settings/account');
  return (
    <section>
      <h1>Account</h1>
      <p className="muted">Signed in as {user.email}.</p>
      <AccountSecurity />
      <AccountPrivacy />
    </section>
  );
}

import Link from 'next/link';
import { getCurrentUser } from '@/server/current-user';
import { SignOutButton } from './sign-out-button';

export async function SiteHeader() {
  const user = await getCurrentUser();
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <Link href="/" className="brand">
          Fjord
        </Link>
        {user ? (
          <nav aria-label="Main" className="site-nav">
            <Link href="/media">My media</Link>
            <Link href="/upload">Upload</Link>
            <Link href="/settings/api-keys">API keys</Link>
            <Link href="/settings/webhooks">Webhooks</Link>
            <Link href="/settings/account">Account</Link>
            <Link href="/docs/api">API docs</Link>
            {user.role === 'ADMIN' && <Link href="/admin">Admin</Link>}
            <span className="site-nav__user" title="Signed in as">
              {user.email}
            </span>
            <SignOutButton />
          </nav>
        ) : (
          <nav aria-label="Account" className="site-nav">
            <Link href="/login">Sign in</Link>
            <Link href="/signup">Create account</Link>
          </nav>
        )}
      </div>
    </header>
  );
}

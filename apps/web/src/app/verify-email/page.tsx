import type { Metadata } from 'next';
import { ConfirmEmail } from '@/components/confirm-email';

export const metadata: Metadata = { title: 'Confirm your email address' };
export const dynamic = 'force-dynamic';

type Search = Promise<Record<string, string | string[] | undefined>>;

/**
 * The page a verification link opens (docs/adr/0024). Opening it changes nothing: the button does, so
 * a mail scanner that fetches every link cannot confirm an address on its owner's behalf.
 */
export default async function VerifyEmailPage({ searchParams }: { searchParams: Search }) {
  const token = (await searchParams)['token'];
  return (
    <section className="panel narrow">
      <h1>Confirm your email address</h1>
      {typeof token === 'string' && token ? (
        <ConfirmEmail token={token} />
      ) : (
        <p className="alert alert--error" role="alert">
          This link has no confirmation token. Open the link from the email exactly as it was sent.
        </p>
      )}
    </section>
  );
}

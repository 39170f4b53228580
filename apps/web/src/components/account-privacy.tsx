'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/trpc/react';

/** GDPR art. 17 from the account itself: the password again, then everything goes (docs/adr/0018). */
export function AccountPrivacy() {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const deleteAccount = useMutation(
    trpc.auth.deleteAccount.mutationOptions({
      onError: (err) => setError(err.message),
      onSuccess: () => {
        router.push('/login');
        router.refresh();
      },
    }),
  );

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const data = new FormData(event.currentTarget);
    if (String(data.get('confirm') ?? '') !== 'DELETE') {
      setError('Type DELETE to confirm.');
      return;
    }
    deleteAccount.mutate({ password: String(data.get('password') ?? '') });
  }

  return (
    <>
      <h2>Download my data</h2>
      <p className="muted">
        One tar file with everything Fjord holds about you: account.json (account, media details, renditions,
        webhooks and API keys without their secrets, sessions, audit events) and every original and rendition.
        Also <code>GET /api/v1/export</code> with an API key that has the account:export scope.
      </p>
      <a className="button button--ghost" href="/api/v1/export" download>
        Download my data
      </a>

      <h2>Delete my account</h2>
      <p className="muted">
        Erases your account and everything in it: media, renditions, unfinished uploads, webhooks, API keys
        and sessions. The audit log keeps what was done, without you. This cannot be undone.
      </p>
      <form className="form" onSubmit={handleSubmit}>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <label className="field">
          <span>Type DELETE to confirm</span>
          <input name="confirm" type="text" autoComplete="off" required />
        </label>
        {error && (
          <p className="alert alert--error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button--danger" disabled={deleteAccount.isPending}>
          {deleteAccount.isPending ? 'Erasing…' : 'Delete my account'}
        </button>
      </form>
    </>
  );
}

'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/trpc/react';

/** Change password (other sessions are signed out) and sign out everywhere. API keys are unaffected. */
export function AccountSecurity() {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const onError = (err: { message: string }) => setMessage({ kind: 'error', text: err.message });
  const changePassword = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onError,
      onSuccess: ({ revokedSessions }) =>
        setMessage({
          kind: 'success',
          text: `Password changed. ${revokedSessions} other session${revokedSessions === 1 ? '' : 's'} signed out.`,
        }),
    }),
  );
  const signOutEverywhere = useMutation(
    trpc.auth.signOutEverywhere.mutationOptions({
      onError,
      onSuccess: () => {
        router.push('/login');
        router.refresh();
      },
    }),
  );

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMessage(null);
    const form = event.currentTarget;
    const data = new FormData(form);
    const newPassword = String(data.get('newPassword') ?? '');
    if (newPassword !== String(data.get('confirmPassword') ?? '')) {
      setMessage({ kind: 'error', text: 'The new passwords do not match.' });
      return;
    }
    changePassword.mutate(
      { currentPassword: String(data.get('currentPassword') ?? ''), newPassword },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <>
      <h2>Change password</h2>
      <form className="form" onSubmit={handleSubmit}>
        <label className="field">
          <span>Current password</span>
          <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <label className="field">
          <span>New password</span>
          <input name="newPassword" type="password" autoComplete="new-password" required minLength={10} />
          <small className="hint">At least 10 characters. Your other sessions will be signed out.</small>
        </label>
        <label className="field">
          <span>New password, again</span>
          <input name="confirmPassword" type="password" autoComplete="new-password" required minLength={10} />
        </label>
        {message && (
          <p
            className={message.kind === 'error' ? 'alert alert--error' : 'alert'}
            role={message.kind === 'error' ? 'alert' : 'status'}
          >
            {message.text}
          </p>
        )}
        <button type="submit" className="button" disabled={changePassword.isPending}>
          {changePassword.isPending ? 'Please wait…' : 'Change password'}
        </button>
      </form>

      <h2>Sessions</h2>
      <p className="muted">Signs out every browser, this one included. API keys keep working.</p>
      <button
        type="button"
        className="button button--ghost"
        onClick={() => signOutEverywhere.mutate()}
        disabled={signOutEverywhere.isPending}
      >
        {signOutEverywhere.isPending ? 'Signing out…' : 'Sign out everywhere'}
      </button>
    </>
  );
}

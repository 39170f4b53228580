'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/trpc/react';

type Mode = 'sign-in' | 'sign-up';

export function AuthForm({
  mode,
  returnTo,
  inviteToken,
  defaultEmail,
}: {
  mode: Mode;
  returnTo: string;
  /** SIGNUP_MODE=invite: the token from the invite link, sent along with the sign-up. */
  inviteToken?: string;
  defaultEmail?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const onSuccess = () => {
    router.replace(returnTo);
    router.refresh();
  };
  const onError = (err: { message: string }) => setError(err.message);
  const signIn = useMutation(trpc.auth.signIn.mutationOptions({ onSuccess, onError }));
  const signUp = useMutation(trpc.auth.signUp.mutationOptions({ onSuccess, onError }));
  const isPending = signIn.isPending || signUp.isPending;
  const isSignUp = mode === 'sign-up';

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    if (isSignUp) {
      const name = String(form.get('name') ?? '').trim();
      signUp.mutate({ email, password, ...(name ? { name } : {}), ...(inviteToken ? { inviteToken } : {}) });
    } else {
      signIn.mutate({ email, password });
    }
  }

  return (
    <form
      className="form"
      onSubmit={handleSubmit}
      noValidate={false}
      aria-describedby={error ? 'auth-error' : undefined}
    >
      {isSignUp && (
        <label className="field">
          <span>Name (optional)</span>
          <input name="name" type="text" autoComplete="name" maxLength={100} />
        </label>
      )}
      <label className="field">
        <span>Email</span>
        <input
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          defaultValue={defaultEmail}
        />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          name="password"
          type="password"
          autoComplete={isSignUp ? 'new-password' : 'current-password'}
          required
          minLength={isSignUp ? 10 : 1}
          aria-describedby={isSignUp ? 'password-hint' : undefined}
        />
        {isSignUp && (
          <small id="password-hint" className="hint">
            At least 10 characters.
          </small>
        )}
      </label>
      {error && (
        <p id="auth-error" className="alert alert--error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button" disabled={isPending}>
        {isPending ? 'Please wait…' : isSignUp ? 'Create account' : 'Sign in'}
      </button>
      <p className="muted">
        {isSignUp ? (
          <>
            Already have an account? <Link href="/login">Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link href="/signup">Create an account</Link>
          </>
        )}
      </p>
    </form>
  );
}

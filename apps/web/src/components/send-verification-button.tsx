'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/trpc/react';

/** Asks for a new verification link; the server's limits (one a minute, five a day) answer in words. */
export function SendVerificationButton() {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const send = useMutation(
    trpc.auth.sendVerificationEmail.mutationOptions({
      onError: (err) => setMessage({ kind: 'error', text: err.message }),
      onSuccess: ({ status, recipient }) => {
        if (status === 'already-verified') return router.refresh();
        setMessage({ kind: 'success', text: `A new link is on its way to ${recipient}.` });
      },
    }),
  );
  return (
    <div className="verify-banner__actions">
      <button
        type="button"
        className="button button--ghost"
        onClick={() => {
          setMessage(null);
          send.mutate();
        }}
        disabled={send.isPending}
      >
        {send.isPending ? 'Sending…' : 'Send a new link'}
      </button>
      {message && (
        <p
          className={message.kind === 'error' ? 'alert alert--error' : 'alert'}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}

'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTRPC } from '@/trpc/react';

export function ConfirmEmail({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const confirm = useMutation(trpc.auth.verifyEmail.mutationOptions({ onSuccess: () => router.refresh() }));
  if (confirm.isSuccess) {
    return (
      <p className="alert" role="status">
        {confirm.data.outcome === 'verified'
          ? 'Thank you: your address is confirmed. Fjord will email you when your uploads are ready.'
          : 'This address was already confirmed.'}{' '}
        <Link href="/media">Go to my media</Link>
      </p>
    );
  }
  return (
    <>
      <p>Press the button to confirm that this address is yours.</p>
      <button
        type="button"
        className="button"
        onClick={() => confirm.mutate({ token })}
        disabled={confirm.isPending}
      >
        {confirm.isPending ? 'Confirming…' : 'Confirm my address'}
      </button>
      {confirm.error && (
        <p className="alert alert--error" role="alert">
          {confirm.error.message}
        </p>
      )}
    </>
  );
}

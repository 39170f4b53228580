'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '@/trpc/react';

/** Deletes the media (and stops its processing) after a confirmation, then returns to the gallery. */
export function DeleteMediaButton({ mediaId, name }: { mediaId: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const remove = useMutation(
    trpc.media.delete.mutationOptions({
      onSuccess: () => {
        router.push('/media');
        router.refresh();
      },
    }),
  );
  return (
    <p>
      <button
        type="button"
        className="button button--danger"
        disabled={remove.isPending}
        onClick={() => {
          if (window.confirm(`Delete ${name}? Processing stops and every file is removed.`)) {
            remove.mutate({ id: mediaId });
          }
        }}
      >
        {remove.isPending ? 'Deleting…' : 'Delete'}
      </button>
      {remove.error && (
        <span className="alert alert--error" role="alert">
          {remove.error.message}
        </span>
      )}
    </p>
  );
}

'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/trpc/react';

/** After an action: say what happened, and refresh every admin query so the console shows the result. */
export function useAdminActionFeedback() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ text: string; isError: boolean } | null>(null);
  return {
    message,
    onSuccess: (text: string) => {
      setMessage({ text, isError: false });
      return queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
    },
    onError: (err: { message: string }) => setMessage({ text: err.message, isError: true }),
  };
}

export function ActionMessage({ message }: { message: { text: string; isError: boolean } | null }) {
  return (
    <p role="status" className={message?.isError ? 'alert alert--error' : 'muted'}>
      {message?.text ?? ''}
    </p>
  );
}

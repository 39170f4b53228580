'use client';

import type { AppRouter } from '@fjord/api';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import { TRPCProvider } from '@/trpc/react';
import { TRPC_MAX_BATCH_CALLS, TRPC_UNBATCHED_PREFIX } from '@fjord/http/trpc-limits';

const TRPC_URL = '/api/trpc';

function createClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: TRPC_URL }),
        // The server refuses auth calls in a batch and batches of more than TRPC_MAX_BATCH_CALLS.
        false: splitLink({
          condition: (op) => op.path.startsWith(TRPC_UNBATCHED_PREFIX),
          true: httpLink({ url: TRPC_URL }),
          false: httpBatchLink({ url: TRPC_URL, maxItems: TRPC_MAX_BATCH_CALLS }),
        }),
      }),
    ],
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1 } } }),
  );
  const [trpcClient] = useState(createClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

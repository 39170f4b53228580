'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/trpc/react';

/** Names a broker that can lose or evict queued work; nothing when Redis is durable. */
export function BrokerDurabilityBanner() {
  const trpc = useTRPC();
  const broker = useQuery(trpc.admin.broker.queryOptions(undefined, { refetchInterval: 60_000 }));
  if (!broker.data || broker.data.risks.length === 0) return null;
  return (
    <div className="alert alert--error" role="alert" data-testid="broker-durability">
      <strong>{broker.data.isChecked ? 'Redis can lose queued work.' : 'Redis durability unknown.'}</strong>
      <ul>
        {broker.data.risks.map((risk) => (
          <li key={risk}>{risk}</li>
        ))}
      </ul>
      <p>Postgres stays the source of truth: the reconciler re-drives lost work, but only after a delay.</p>
    </div>
  );
}

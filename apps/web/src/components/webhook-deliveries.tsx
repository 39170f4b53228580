'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/trpc/react';
import { formatDate } from './format';

/** The delivery log of one endpoint, with a redeliver button per delivery. */
export function WebhookDeliveries({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deliveries = useQuery(trpc.webhooks.deliveries.queryOptions({ id: endpointId }));
  const redeliver = useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey({ id: endpointId }) }),
    }),
  );
  if (!deliveries.data) return <p className="muted">Loading deliveries…</p>;
  if (deliveries.data.length === 0) return <p className="muted">No deliveries yet.</p>;
  return (
    <table className="table">
      <caption className="visually-hidden">Deliveries</caption>
      <thead>
        <tr>
          <th>Event</th>
          <th>Created</th>
          <th>Status</th>
          <th>Attempts</th>
          <th>Last response</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {deliveries.data.map((d) => (
          <tr key={d.id}>
            <td>{d.event}</td>
            <td>{formatDate(d.createdAt)}</td>
            <td>{d.status.toLowerCase()}</td>
            <td>{d.attempts}</td>
            <td>
              {d.lastStatusCode ?? d.lastError ?? '—'}
              {d.lastDurationMs !== null ? <span className="muted"> ({d.lastDurationMs} ms)</span> : null}
            </td>
            <td>
              <button
                type="button"
                className="button button--ghost"
                disabled={redeliver.isPending}
                onClick={() => redeliver.mutate({ id: d.id })}
              >
                Redeliver
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

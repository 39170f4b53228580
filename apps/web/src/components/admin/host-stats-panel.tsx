'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/trpc/react';
import { formatAgo, formatMs, formatPercent } from './admin-format';

/** The machines under the queue, as each worker sampled its host (the same numbers as fjord_host_*). */
export function HostStatsPanel() {
  const trpc = useTRPC();
  const hosts = useQuery(trpc.admin.hosts.queryOptions(undefined, { refetchInterval: 5_000 }));
  return (
    <section className="panel" data-testid="host-stats">
      <h2>Hosts</h2>
      {hosts.data?.flatMap((h) =>
        h.warnings.map((w) => (
          <p key={`${h.host}-${w}`} className="alert alert--error" role="alert">
            <strong>{h.host}:</strong> {w}
          </p>
        )),
      )}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>Host</th>
              <th>CPU steal</th>
              <th>iowait</th>
              <th>Load 1 / 5 / 15 min</th>
              <th>Pressure cpu / io / mem</th>
              <th>Disk latency</th>
              <th>Sampled</th>
            </tr>
          </thead>
          <tbody>
            {hosts.data?.map((h) => (
              <tr key={h.host}>
                <td>{h.host}</td>
                <td>{formatPercent(h.steal)}</td>
                <td>{formatPercent(h.iowait)}</td>
                <td>
                  {h.load ? `${h.load['1m']} / ${h.load['5m']} / ${h.load['15m']}` : '—'} ({h.cpus} CPUs)
                </td>
                <td>
                  {(['cpu', 'io', 'memory'] as const)
                    .map((r) => formatPercent(h.pressure[r] ?? null))
                    .join(' / ')}
                </td>
                <td>
                  {Object.entries(h.diskLatencySeconds)
                    .map(([device, s]) => `${device} ${formatMs(s * 1000)}`)
                    .join(', ') || '—'}
                </td>
                <td>{formatAgo(h.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

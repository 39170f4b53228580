'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/trpc/react';
import { formatAgo, formatMs } from './admin-format';
import { HostStatsPanel } from './host-stats-panel';
import { QueueCard } from './queue-card';

/** Polls every 2 s: the numbers move without a reload. */
export function AdminOverview() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.admin.overview.queryOptions(undefined, { refetchInterval: 2_000 }));
  const workers = useQuery(trpc.admin.workers.queryOptions(undefined, { refetchInterval: 5_000 }));
  const history = useQuery(trpc.admin.history.queryOptions({ sinceHours: 24 }, { refetchInterval: 10_000 }));

  return (
    <>
      {overview.error && <p className="alert alert--error">{overview.error.message}</p>}
      <div className="queue-grid">
        {overview.data?.map((q) => (
          <QueueCard key={q.name} queue={q} />
        ))}
      </div>

      <section className="panel">
        <h2>Workers</h2>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Queue</th>
                <th>Host</th>
                <th>PID</th>
                <th>Version</th>
                <th>Concurrency</th>
                <th>Running</th>
                <th>Connected</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {workers.data?.map((w) => (
                <tr key={`${w.queue}-${w.addr}-${w.rawName}`}>
                  <td>{w.queue}</td>
                  <td>{w.host ?? w.rawName}</td>
                  <td>{w.pid ?? '—'}</td>
                  <td>{w.version ?? '—'}</td>
                  <td>{w.concurrency ?? '—'}</td>
                  <td>{w.running}</td>
                  <td>{formatMs(w.ageSeconds * 1000)}</td>
                  <td>{formatAgo(w.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <HostStatsPanel />

      <section className="panel">
        <h2>Last 24 hours (from Postgres)</h2>
        {history.data && (
          <>
            <p>
              {Object.entries(history.data.byStatus)
                .map(([s, n]) => `${s} ${n}`)
                .join(' · ') || 'No uploads.'}
              {' — '}processing p50 {formatMs(history.data.processingP50Ms)} · p95{' '}
              {formatMs(history.data.processingP95Ms)}
            </p>
            {history.data.topErrors.length > 0 && (
              <ul>
                {history.data.topErrors.map((e) => (
                  <li key={e.error}>
                    {e.count}× {e.error}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
    </>
  );
}

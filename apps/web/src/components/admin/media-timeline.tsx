'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/trpc/react';
import { formatMs } from './admin-format';

/**
 * One media across the services, the same timeline as `npm run fjord -- trace <mediaId>` (both from
 * buildMediaTimeline): offsets from the ingest, each job's wait/run/attempts, the commit, email, webhooks.
 */
export function MediaTimeline({ mediaId }: { mediaId: string }) {
  const trpc = useTRPC();
  const timeline = useQuery(
    trpc.admin.mediaTimeline.queryOptions({ id: mediaId }, { refetchInterval: 5_000, retry: false }),
  );
  const t = timeline.data;
  if (!t) return <p className="muted">{timeline.error?.message ?? '…'}</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>
          Run {t.run} · {t.status} · same as <code>npm run fjord -- trace {t.mediaId}</code>
        </caption>
        <thead>
          <tr>
            <th>At</th>
            <th>Offset</th>
            <th>Service</th>
            <th>Step</th>
            <th>Detail</th>
            <th>Took</th>
          </tr>
        </thead>
        <tbody>
          {t.entries.map((e, i) => (
            <tr key={`${e.at}-${e.step}-${i}`}>
              <td>
                <time dateTime={e.at}>{e.at}</time>
              </td>
              <td>+{(e.offsetMs / 1000).toFixed(3)} s</td>
              <td>{e.service}</td>
              <td>{e.step}</td>
              <td>{e.detail}</td>
              <td>{e.durationMs !== undefined ? formatMs(e.durationMs) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {t.jobsNotRetained.length > 0 && (
        <p className="muted">Jobs no longer in Redis: {t.jobsNotRetained.join(', ')}.</p>
      )}
    </div>
  );
}

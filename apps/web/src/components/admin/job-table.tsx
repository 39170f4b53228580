import type { RouterOutputs } from '@fjord/api';
import Link from 'next/link';
import { formatTime } from './admin-format';

type JobRow = RouterOutputs['admin']['search'][number];

export function JobTable({ jobs, caption }: { jobs: JobRow[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th>Job</th>
            <th>Queue</th>
            <th>State</th>
            <th>Attempts</th>
            <th>Added</th>
            <th>Finished</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={`${j.queue}-${j.id}`}>
              <td>
                <Link href={`/admin/jobs/${encodeURIComponent(j.id)}`}>{j.id}</Link>
              </td>
              <td>{j.queue}</td>
              <td>{j.state}</td>
              <td>{j.attemptsMade}</td>
              <td>{formatTime(j.timestamp)}</td>
              <td>{formatTime(j.finishedOn)}</td>
              <td className="cell-reason">{j.failedReason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

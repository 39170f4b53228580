'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/trpc/react';
import { formatDate } from '../format';

export function AuditLog() {
  const trpc = useTRPC();
  const audit = useQuery(trpc.admin.audit.queryOptions({ limit: 100 }, { refetchInterval: 2_000 }));
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>Newest 100 actions</caption>
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Target</th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {audit.data?.map((e) => (
            <tr key={e.id}>
              <td>{formatDate(e.at)}</td>
              <td>{e.actorEmail ?? 'deleted user'}</td>
              <td>{e.action}</td>
              <td>
                {e.targetType} <code>{e.targetId}</code>
              </td>
              <td>
                <code>{JSON.stringify(e.meta)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

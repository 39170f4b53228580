'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '@/trpc/react';
import { formatBytes, formatDate } from '../format';
import { MediaStatusLabel } from '../media-status-label';
import { formatMs } from './admin-format';
import { ConfirmButton } from './confirm-button';
import { ActionMessage, useAdminActionFeedback } from './use-admin-action';

const STATUSES = ['', 'UPLOADED', 'QUEUED', 'PROCESSING', 'READY', 'FAILED'] as const;
type Status = Exclude<(typeof STATUSES)[number], ''>;
const PAGE_SIZE = 25;

export function MediaAdminList({ initialMediaId }: { initialMediaId?: string }) {
  const trpc = useTRPC();
  const feedback = useAdminActionFeedback();
  const [status, setStatus] = useState<Status | ''>('');
  const [ownerEmail, setOwnerEmail] = useState('');
  const [page, setPage] = useState(0);
  const media = useQuery(
    trpc.admin.media.queryOptions(
      {
        ...(status ? { status } : {}),
        ...(ownerEmail ? { ownerEmail } : {}),
        ...(initialMediaId ? { mediaId: initialMediaId } : {}),
        page,
        pageSize: PAGE_SIZE,
      },
      { refetchInterval: 2_000 },
    ),
  );
  const onError = feedback.onError;
  const reprocess = useMutation(
    trpc.admin.reprocessMedia.mutationOptions({
      onError,
      onSuccess: () => feedback.onSuccess('The flow runs again.'),
    }),
  );
  const remove = useMutation(
    trpc.admin.deleteMedia.mutationOptions({
      onError,
      onSuccess: () => feedback.onSuccess('The media was deleted.'),
    }),
  );
  const total = media.data?.total ?? 0;

  return (
    <>
      <div className="toolbar">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => (setStatus(e.target.value as Status | ''), setPage(0))}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Owner email contains{' '}
          <input
            type="search"
            value={ownerEmail}
            onChange={(e) => (setOwnerEmail(e.target.value), setPage(0))}
          />
        </label>
      </div>
      <ActionMessage message={feedback.message} />
      <div className="table-wrap">
        <table className="table">
          <caption>{total} media</caption>
          <thead>
            <tr>
              <th>Name</th>
              <th>Owner</th>
              <th>Status</th>
              <th>Waited</th>
              <th>Processing</th>
              <th>Size</th>
              <th>Uploaded</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {media.data?.items.map((m) => (
              <tr key={m.id} data-media-id={m.id}>
                <td>
                  <Link href={`/media/${m.id}`}>{m.originalName}</Link>
                  <div className="muted small" data-testid="storage-key">
                    {m.storageKey}
                  </div>
                </td>
                <td>{m.ownerEmail}</td>
                <td>
                  <MediaStatusLabel view={{ status: m.status }} />
                  {m.error && <div className="cell-reason">{m.error}</div>}
                </td>
                <td>{formatMs(m.waitMs)}</td>
                <td>{formatMs(m.processingMs)}</td>
                <td>{formatBytes(m.sizeBytes)}</td>
                <td>{formatDate(m.createdAt)}</td>
                <td>
                  <div className="actions">
                    <Link href={`/admin/media/${m.id}`}>Flow</Link>
                    <Link href={`/admin/jobs?q=${m.id}`}>Jobs</Link>
                    <ConfirmButton
                      label="Reprocess"
                      question={`Re-run the flow of ${m.originalName}?`}
                      onConfirm={() => reprocess.mutate({ id: m.id })}
                    />
                    <ConfirmButton
                      label="Delete"
                      isDanger
                      question={`Delete ${m.originalName}, its files and jobs?`}
                      onConfirm={() => remove.mutate({ id: m.id })}
                    />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        {page > 0 && (
          <button type="button" className="button button--ghost" onClick={() => setPage(page - 1)}>
            « Newer
          </button>
        )}
        {(page + 1) * PAGE_SIZE < total && (
          <button type="button" className="button button--ghost" onClick={() => setPage(page + 1)}>
            Older »
          </button>
        )}
      </nav>
    </>
  );
}

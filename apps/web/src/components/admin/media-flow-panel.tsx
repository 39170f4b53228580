'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTRPC } from '@/trpc/react';
import { formatDate } from '../format';
import { MediaStatusLabel } from '../media-status-label';
import { formatMs } from './admin-format';
import { ConfirmButton } from './confirm-button';
import { FlowTree } from './flow-tree';
import { MediaTimeline } from './media-timeline';
import { ActionMessage, useAdminActionFeedback } from './use-admin-action';

/**
 * One media for an operator: its row from Postgres, its timeline across the services, its flow from
 * Redis, its actions and audit trail.
 */
export function MediaFlowPanel({ mediaId }: { mediaId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const feedback = useAdminActionFeedback();
  const media = useQuery(
    trpc.admin.media.queryOptions({ mediaId, page: 0, pageSize: 1 }, { refetchInterval: 2_000 }),
  );
  const flow = useQuery(trpc.admin.flow.queryOptions({ mediaId }, { refetchInterval: 2_000, retry: false }));
  const audit = useQuery(
    trpc.admin.audit.queryOptions({ targetId: mediaId, limit: 20 }, { refetchInterval: 5_000 }),
  );
  const onError = feedback.onError;
  const reprocess = useMutation(
    trpc.admin.reprocessMedia.mutationOptions({
      onError,
      onSuccess: () => feedback.onSuccess('The flow runs again.'),
    }),
  );
  const remove = useMutation(
    trpc.admin.deleteMedia.mutationOptions({ onError, onSuccess: () => router.push('/admin/media') }),
  );
  const m = media.data?.items[0];

  return (
    <>
      <ActionMessage message={feedback.message} />
      {media.data && !m && <p className="alert alert--error">This media does not exist (any more).</p>}
      {m && (
        <>
          <dl className="facts">
            <dt>Name</dt>
            <dd>
              <Link href={`/media/${m.id}`}>{m.originalName}</Link>
            </dd>
            <dt>Owner</dt>
            <dd>{m.ownerEmail}</dd>
            <dt>Status</dt>
            <dd>
              <MediaStatusLabel view={{ status: m.status }} />{' '}
              {m.error && <span className="cell-reason">{m.error}</span>}
            </dd>
            <dt>Uploaded</dt>
            <dd>{formatDate(m.createdAt)}</dd>
            <dt>Waited / processed</dt>
            <dd>
              {formatMs(m.waitMs)} / {formatMs(m.processingMs)}
            </dd>
            <dt>Stored as</dt>
            <dd>
              <code>{m.storageKey}</code>
            </dd>
          </dl>
          <div className="actions">
            <ConfirmButton
              label="Reprocess"
              question={`Re-run the flow of ${m.originalName}?`}
              isPending={reprocess.isPending}
              onConfirm={() => reprocess.mutate({ id: m.id })}
            />
            <ConfirmButton
              label="Delete"
              isDanger
              question={`Delete ${m.originalName}, its files and jobs?`}
              isPending={remove.isPending}
              onConfirm={() => remove.mutate({ id: m.id })}
            />
          </div>
        </>
      )}
      <h2>Timeline</h2>
      <MediaTimeline mediaId={mediaId} />
      <h2>Flow</h2>
      {flow.data ? <FlowTree root={flow.data} /> : <p className="muted">{flow.error?.message ?? '…'}</p>}
      <h2>Audit</h2>
      <ul>
        {audit.data?.map((e) => (
          <li key={e.id}>
            {formatDate(e.at)} · {e.actorEmail ?? 'deleted user'} · {e.action}
          </li>
        ))}
        {audit.data?.length === 0 && <li className="muted">No admin actions on this media.</li>}
      </ul>
    </>
  );
}

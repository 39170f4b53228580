'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/trpc/react';
import { formatTime } from './admin-format';
import { ConfirmButton } from './confirm-button';
import { FlowTree } from './flow-tree';
import { ActionMessage, useAdminActionFeedback } from './use-admin-action';

const json = (value: unknown) => JSON.stringify(value, null, 2);

export function JobDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const feedback = useAdminActionFeedback();
  const job = useQuery(trpc.admin.job.queryOptions({ id }, { refetchInterval: 2_000, retry: false }));
  const flow = useQuery(
    trpc.admin.flow.queryOptions({ jobId: id }, { refetchInterval: 2_000, retry: false }),
  );
  const onError = feedback.onError;
  const retry = useMutation(
    trpc.admin.retryJob.mutationOptions({ onError, onSuccess: (r) => feedback.onSuccess(r.message) }),
  );
  const promote = useMutation(
    trpc.admin.promoteJob.mutationOptions({ onError, onSuccess: (r) => feedback.onSuccess(r.message) }),
  );
  const remove = useMutation(
    trpc.admin.removeJob.mutationOptions({ onError, onSuccess: (r) => feedback.onSuccess(r.message) }),
  );
  const mediaId = job.data?.mediaId ?? retry.data?.mediaId ?? null;

  return (
    <>
      <ActionMessage message={feedback.message} />
      {job.error && <p className="alert alert--error">{job.error.message}</p>}
      {mediaId && (
        <p>
          Media: <Link href={`/media/${mediaId}`}>open the media</Link> ·{' '}
          <Link href={`/admin/media/${mediaId}`}>its flow and history</Link> ·{' '}
          <Link href={`/admin/jobs?q=${mediaId}`}>all its jobs</Link>
        </p>
      )}
      {job.data && (
        <>
          <dl className="facts">
            <dt>Queue</dt>
            <dd>{job.data.queue}</dd>
            <dt>Name</dt>
            <dd>{job.data.name}</dd>
            <dt>State</dt>
            <dd data-testid="job-state">{job.data.state}</dd>
            <dt>Attempts</dt>
            <dd>
              {job.data.attemptsMade} of {job.data.attempts}
            </dd>
            <dt>Added</dt>
            <dd>{formatTime(job.data.timestamp)}</dd>
            <dt>Started</dt>
            <dd>{formatTime(job.data.processedOn)}</dd>
            <dt>Finished</dt>
            <dd>{formatTime(job.data.finishedOn)}</dd>
            {job.data.delayUntil && (
              <>
                <dt>Delayed until</dt>
                <dd>{formatTime(job.data.delayUntil)}</dd>
              </>
            )}
            <dt>Progress</dt>
            <dd>{json(job.data.progress)}</dd>
          </dl>
          <div className="actions">
            {job.data.state === 'failed' && (
              <ConfirmButton
                label="Retry"
                question={`Retry ${id}?`}
                isPending={retry.isPending}
                onConfirm={() => retry.mutate({ id })}
              />
            )}
            {job.data.state === 'delayed' && (
              <ConfirmButton
                label="Promote"
                question={`Run ${id} now?`}
                isPending={promote.isPending}
                onConfirm={() => promote.mutate({ id })}
              />
            )}
            {job.data.state !== 'active' && (
              <ConfirmButton
                label="Remove"
                isDanger
                question={`Remove ${id} (and its children)?`}
                isPending={remove.isPending}
                onConfirm={() => remove.mutate({ id })}
              />
            )}
          </div>
          {job.data.failedReason && (
            <section>
              <h2>Failure</h2>
              <p className="alert alert--error" data-testid="failed-reason">
                {job.data.failedReason}
              </p>
              <pre className="code" aria-label="Stacktrace">
                {job.data.stacktrace.join('\n\n') || 'No stacktrace recorded.'}
              </pre>
            </section>
          )}
          <h2>Log ({job.data.logCount} lines)</h2>
          <pre className="code" aria-label="Job log">
            {job.data.logs.join('\n') || 'No log lines.'}
          </pre>
          <h2>Data</h2>
          <pre className="code">{json(job.data.data)}</pre>
          <h2>Return value</h2>
          <pre className="code">{json(job.data.returnValue)}</pre>
        </>
      )}
      <h2>Flow</h2>
      {flow.data ? (
        <FlowTree root={flow.data} currentId={id} />
      ) : (
        <p className="muted">{flow.error?.message ?? '…'}</p>
      )}
    </>
  );
}

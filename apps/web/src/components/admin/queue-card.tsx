'use client';

import type { RouterOutputs } from '@fjord/api';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '@/trpc/react';
import { formatMs, formatPercent } from './admin-format';
import { ConfirmButton } from './confirm-button';
import { Sparkline } from './sparkline';
import { ActionMessage, useAdminActionFeedback } from './use-admin-action';

type Overview = RouterOutputs['admin']['overview'][number];
type QueueName = 'transcode' | 'db' | 'email' | 'maintenance';

export function QueueCard({ queue }: { queue: Overview }) {
  const trpc = useTRPC();
  const name = queue.name as QueueName;
  const feedback = useAdminActionFeedback();
  const opts = { onError: feedback.onError };
  const pause = useMutation(
    trpc.admin.pauseQueue.mutationOptions({ ...opts, onSuccess: (r) => feedback.onSuccess(r.message) }),
  );
  const resume = useMutation(
    trpc.admin.resumeQueue.mutationOptions({ ...opts, onSuccess: (r) => feedback.onSuccess(r.message) }),
  );
  const retryAll = useMutation(
    trpc.admin.retryAllFailed.mutationOptions({
      ...opts,
      onSuccess: (r) =>
        feedback.onSuccess(
          `${r.jobs} jobs retried, ${r.flows} flows re-run${r.remaining ? '; more remain' : ''}.`,
        ),
    }),
  );
  const clean = useMutation(
    trpc.admin.cleanQueue.mutationOptions({
      ...opts,
      onSuccess: (r) => feedback.onSuccess(`${r.removed} jobs removed.`),
    }),
  );
  const [cleanState, setCleanState] = useState<'completed' | 'failed'>('completed');
  const [cleanMinutes, setCleanMinutes] = useState(60);
  const completed = queue.completedPerMinute.reduce((a, b) => a + b, 0);
  const failed = queue.failedPerMinute.reduce((a, b) => a + b, 0);

  return (
    <section className="panel queue-card" aria-labelledby={`queue-${name}`}>
      <div className="page-head">
        <h2 id={`queue-${name}`}>
          {name}{' '}
          {queue.isPaused && (
            <span className="status status--failed">
              <span className="status__badge">Paused</span>
            </span>
          )}
        </h2>
        <span className="muted">
          {queue.workers} {queue.workers === 1 ? 'worker' : 'workers'}
        </span>
      </div>
      <dl className="counts" aria-label={`${name} job counts`}>
        {Object.entries(queue.counts).map(([state, count]) => (
          <div key={state}>
            <dt>{state}</dt>
            <dd>
              <Link href={`/admin/jobs?queue=${name}&state=${state}`} data-count={state}>
                {count}
              </Link>
            </dd>
          </div>
        ))}
      </dl>
      <div className="queue-card__charts">
        <figure>
          <Sparkline values={queue.completedPerMinute} label={`${name} completed per minute`} />
          <figcaption>Completed, last hour: {completed}</figcaption>
        </figure>
        <figure>
          <Sparkline values={queue.failedPerMinute} label={`${name} failed per minute`} tone="danger" />
          <figcaption>
            Failed: {failed} · failure rate {formatPercent(queue.failureRate)}
          </figcaption>
        </figure>
      </div>
      <p className="muted">
        Wait p50 {formatMs(queue.waitMs.p50)} · p95 {formatMs(queue.waitMs.p95)} — processing p50{' '}
        {formatMs(queue.processMs.p50)} · p95 {formatMs(queue.processMs.p95)}{' '}
        <small>(newest {queue.sampleSize} completed jobs)</small>
      </p>
      <div className="actions">
        {queue.isPaused ? (
          <ConfirmButton
            label="Resume"
            question={`Resume queue ${name}?`}
            isPending={resume.isPending}
            onConfirm={() => resume.mutate({ queue: name })}
          />
        ) : (
          <ConfirmButton
            label="Pause"
            question={`Pause queue ${name}? Running jobs finish; new ones wait.`}
            isPending={pause.isPending}
            onConfirm={() => pause.mutate({ queue: name })}
          />
        )}
        {queue.counts.failed > 0 && (
          <ConfirmButton
            label="Retry all failed"
            question={`Retry the failed jobs of ${name}?`}
            isPending={retryAll.isPending}
            onConfirm={() => retryAll.mutate({ queue: name })}
          />
        )}
        <span className="clean-form">
          <label>
            Clean{' '}
            <select
              value={cleanState}
              onChange={(e) => setCleanState(e.target.value as 'completed' | 'failed')}
            >
              <option value="completed">completed</option>
              <option value="failed">failed</option>
            </select>
          </label>{' '}
          <label>
            older than{' '}
            <input
              type="number"
              min={0}
              value={cleanMinutes}
              onChange={(e) => setCleanMinutes(Number(e.target.value))}
              className="input-small"
            />{' '}
            min
          </label>{' '}
          <ConfirmButton
            label="Clean"
            isDanger
            question={`Delete ${cleanState} jobs of ${name} older than ${cleanMinutes} min?`}
            isPending={clean.isPending}
            onConfirm={() => clean.mutate({ queue: name, state: cleanState, olderThanMinutes: cleanMinutes })}
          />
        </span>
      </div>
      <ActionMessage message={feedback.message} />
    </section>
  );
}

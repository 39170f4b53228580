'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '@/trpc/react';
import { formatBytes } from '../format';
import { formatCount } from './admin-format';
import { ConfirmButton } from './confirm-button';
import {
  describeQuotaChanges,
  diffQuotaDrafts,
  formatQuotaLimit,
  QUOTA_KEYS,
  QUOTA_LABELS,
  readableQuotaError,
  toQuotaDrafts,
  type QuotaKey,
  type QuotaOverrides,
} from './quota-form';
import { ActionMessage, useAdminActionFeedback } from './use-admin-action';

type QuotaUsage = { storageBytes: number; uploadsToday: number; videoMinutesToday: number };

function formatUsage(key: QuotaKey, usage: QuotaUsage): string {
  if (key === 'storageBytes') return `${formatBytes(usage.storageBytes)} stored`;
  if (key === 'uploadsPerDay') return `${formatCount(usage.uploadsToday)} today`;
  return `${formatCount(usage.videoMinutesToday)} min today`;
}

/** One user's limits (docs/adr/0021): what applies, where it comes from, what is used; overrides edited below. */
export function UserQuotaPanel({ userId, email }: { userId: string; email: string | undefined }) {
  const trpc = useTRPC();
  const feedback = useAdminActionFeedback();
  const quota = useQuery(
    trpc.admin.userQuota.queryOptions({ id: userId }, { refetchInterval: 5_000, retry: false }),
  );
  const save = useMutation(
    trpc.admin.setUserQuota.mutationOptions({
      onError: (err) => feedback.onError({ message: readableQuotaError(err) }),
      onSuccess: () => feedback.onSuccess('Quotas saved.'),
    }),
  );
  const who = email ?? 'the selected user';
  const report = quota.data;

  return (
    <section className="panel" aria-label={`Quotas of ${who}`}>
      <h2>Quotas of {who}</h2>
      {quota.error && <p className="alert alert--error">{quota.error.message}</p>}
      {report && (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption>Days are UTC days</caption>
              <thead>
                <tr>
                  <th>Limit</th>
                  <th>Applies</th>
                  <th>From</th>
                  <th>Used</th>
                </tr>
              </thead>
              <tbody>
                {QUOTA_KEYS.map((key) => (
                  <tr key={key} data-quota={key}>
                    <th scope="row">{QUOTA_LABELS[key]}</th>
                    <td>{formatQuotaLimit(key, report.limits[key])}</td>
                    <td>{report.overrides[key] === null ? 'default' : 'override'}</td>
                    <td>{formatUsage(key, report.usage)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {/* Keyed by the saved overrides: after a save the fields show what the server kept. */}
          <QuotaForm
            key={JSON.stringify(report.overrides)}
            who={who}
            saved={report.overrides}
            isPending={save.isPending}
            rejected={save.error?.data?.fieldErrors ?? null}
            onSave={(changes) => save.mutate({ id: userId, ...changes })}
          />
        </>
      )}
      <ActionMessage message={feedback.message} />
      <Link href="/admin/users">Close</Link>
    </section>
  );
}

function QuotaForm({
  who,
  saved,
  isPending,
  rejected,
  onSave,
}: {
  who: string;
  saved: QuotaOverrides;
  isPending: boolean;
  rejected: Partial<Record<string, string[]>> | null;
  onSave: (changes: Partial<QuotaOverrides>) => void;
}) {
  const [drafts, setDrafts] = useState(() => toQuotaDrafts(saved));
  const { changes, invalid } = diffQuotaDrafts(drafts, saved);
  const summary = describeQuotaChanges(changes);
  const isReady = summary !== '' && Object.keys(invalid).length === 0;

  return (
    <form className="form" aria-label={`Quota overrides of ${who}`} onSubmit={(e) => e.preventDefault()}>
      <p className="hint">Empty = the config default, 0 = unlimited.</p>
      <div className="toolbar">
        {QUOTA_KEYS.map((key) => (
          <label key={key} className="field">
            <span>
              {QUOTA_LABELS[key]}
              {key === 'storageBytes' ? ' (GB)' : ''}
            </span>
            <input
              type="text"
              inputMode="decimal"
              value={drafts[key]}
              aria-invalid={Boolean(invalid[key] ?? rejected?.[key])}
              onChange={(e) => setDrafts((d) => ({ ...d, [key]: e.target.value }))}
            />
            {invalid[key] && <small className="hint">{invalid[key]}</small>}
          </label>
        ))}
      </div>
      {isReady ? (
        <ConfirmButton
          label="Save quotas"
          question={`For ${who}: ${summary}?`}
          isPending={isPending}
          onConfirm={() => onSave(changes)}
        />
      ) : (
        <p className="hint">{summary === '' ? 'Change a field to save.' : 'Fix the fields above to save.'}</p>
      )}
    </form>
  );
}

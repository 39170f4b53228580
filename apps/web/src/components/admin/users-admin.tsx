'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '@/trpc/react';
import { formatDate } from '../format';
import { ConfirmButton } from './confirm-button';
import { ActionMessage, useAdminActionFeedback } from './use-admin-action';
import { UserQuotaPanel } from './user-quota-panel';

/** `quotaUserId` (the page's ?user=) opens that user's quota panel; in the URL, so a reload keeps it. */
export function UsersAdmin({ quotaUserId }: { quotaUserId?: string }) {
  const trpc = useTRPC();
  const feedback = useAdminActionFeedback();
  const [q, setQ] = useState('');
  const users = useQuery(trpc.admin.users.queryOptions({ ...(q ? { q } : {}) }, { refetchInterval: 5_000 }));
  const keys = useQuery(trpc.admin.apiKeys.queryOptions({}, { refetchInterval: 5_000 }));
  const onError = feedback.onError;
  const setRole = useMutation(
    trpc.admin.setRole.mutationOptions({ onError, onSuccess: () => feedback.onSuccess('Role changed.') }),
  );
  const setDisabled = useMutation(
    trpc.admin.setDisabled.mutationOptions({
      onError,
      onSuccess: () => feedback.onSuccess('Account updated.'),
    }),
  );
  const erase = useMutation(
    trpc.admin.eraseUser.mutationOptions({
      onError,
      onSuccess: ({ media }) => feedback.onSuccess(`Account erased with its ${media} media.`),
    }),
  );
  const revoke = useMutation(
    trpc.admin.revokeApiKey.mutationOptions({ onError, onSuccess: () => feedback.onSuccess('Key revoked.') }),
  );

  return (
    <>
      {quotaUserId && (
        <UserQuotaPanel
          userId={quotaUserId}
          email={users.data?.items.find((u) => u.id === quotaUserId)?.email}
        />
      )}
      <ActionMessage message={feedback.message} />
      <label className="toolbar">
        Email contains <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <div className="table-wrap">
        <table className="table">
          <caption>Users ({users.data?.total ?? '…'})</caption>
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Media</th>
              <th>Sessions</th>
              <th>Created</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.items.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.email} {u.disabledAt && <strong>(disabled)</strong>}
                </td>
                <td>{u.role}</td>
                <td>{u.mediaCount}</td>
                <td>{u.activeSessions}</td>
                <td>{formatDate(u.createdAt)}</td>
                <td>
                  <div className="actions">
                    <Link className="button button--ghost" href={`/admin/users?user=${u.id}`}>
                      Quotas
                    </Link>
                    <ConfirmButton
                      label={u.role === 'ADMIN' ? 'Make user' : 'Make admin'}
                      question={`Change the role of ${u.email}?`}
                      onConfirm={() =>
                        setRole.mutate({ id: u.id, role: u.role === 'ADMIN' ? 'USER' : 'ADMIN' })
                      }
                    />
                    <ConfirmButton
                      label={u.disabledAt ? 'Enable' : 'Disable'}
                      isDanger={!u.disabledAt}
                      question={
                        u.disabledAt
                          ? `Let ${u.email} sign in again?`
                          : `Disable ${u.email} and end their sessions?`
                      }
                      onConfirm={() => setDisabled.mutate({ id: u.id, isDisabled: !u.disabledAt })}
                    />
                    <ConfirmButton
                      label="Erase"
                      isDanger
                      question={`Erase ${u.email} and everything of theirs for good? This cannot be undone.`}
                      onConfirm={() => erase.mutate({ id: u.id })}
                    />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table className="table">
          <caption>API keys</caption>
          <thead>
            <tr>
              <th>Key</th>
              <th>Name</th>
              <th>Owner</th>
              <th>Scopes</th>
              <th>Last used</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.map((k) => (
              <tr key={k.id}>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.name}</td>
                <td>{k.ownerEmail}</td>
                <td>{k.scopes.join(', ')}</td>
                <td>{k.lastUsedAt ? formatDate(k.lastUsedAt) : 'never'}</td>
                <td>
                  {k.revokedAt ? (
                    `revoked ${formatDate(k.revokedAt)}`
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      isDanger
                      question={`Revoke ${k.prefix}?`}
                      onConfirm={() => revoke.mutate({ id: k.id })}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/trpc/react';
import { formatDate } from './format';

const SCOPES = [
  { value: 'media:read', hint: 'list, read and download media' },
  { value: 'media:write', hint: 'upload media' },
  { value: 'webhooks:manage', hint: 'register and manage webhooks' },
  { value: 'account:export', hint: 'download everything of this account (GET /api/v1/export)' },
] as const;
type Scope = (typeof SCOPES)[number]['value'];

export function ApiKeysManager() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['media:read', 'media:write']);
  const [shownKey, setShownKey] = useState<{ name: string; key: string } | null>(null);
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: (res) => {
        setShownKey({ name: res.name, key: res.key });
        setName('');
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: () => void refresh() }));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name, scopes });
  }
  const toggle = (scope: Scope, on: boolean) =>
    setScopes((prev) => (on ? [...prev, scope] : prev.filter((s) => s !== scope)));

  return (
    <>
      {shownKey ? (
        <div className="panel" role="status" aria-label="New API key">
          <p>
            <strong>Copy the key “{shownKey.name}” now: it will not be shown again.</strong>
          </p>
          <p>
            <code data-testid="new-api-key" className="break-words">
              {shownKey.key}
            </code>
          </p>
          <button type="button" className="button" onClick={() => setShownKey(null)}>
            I have copied it
          </button>
        </div>
      ) : null}

      <form className="form panel" onSubmit={onSubmit} aria-label="Create an API key">
        <div className="field">
          <label htmlFor="api-key-name">Name</label>
          <input
            id="api-key-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={100}
            required
          />
        </div>
        <fieldset className="field">
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s.value}>
              <input
                type="checkbox"
                checked={scopes.includes(s.value)}
                onChange={(e) => toggle(s.value, e.target.checked)}
              />{' '}
              <code>{s.value}</code> <span className="muted">— {s.hint}</span>
            </label>
          ))}
        </fieldset>
        {create.error ? <p className="alert alert--error">{create.error.message}</p> : null}
        <button type="submit" className="button" disabled={create.isPending || scopes.length === 0}>
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </form>

      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Your API keys</caption>
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No API keys yet.
                </td>
              </tr>
            ) : null}
            {keys.data?.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}_…</code>
                </td>
                <td>{k.scopes.join(', ')}</td>
                <td>{formatDate(k.createdAt)}</td>
                <td>{k.lastUsedAt ? formatDate(k.lastUsedAt) : 'never'}</td>
                <td>
                  {k.revokedAt ? (
                    <span className="muted">revoked</span>
                  ) : (
                    <button
                      type="button"
                      className="button button--ghost"
                      aria-label={`Revoke ${k.name}`}
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate({ id: k.id })}
                    >
                      Revoke
                    </button>
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

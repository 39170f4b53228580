'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/trpc/react';
import { WebhookDeliveries } from './webhook-deliveries';

const EVENTS = ['media.ready', 'media.failed', 'media.deleted'] as const;
type Event = (typeof EVENTS)[number];

export function WebhooksManager() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endpoints = useQuery(trpc.webhooks.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Event[]>(['media.ready', 'media.failed']);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (res) => {
        setSecret({ url: res.url, secret: res.secret });
        setUrl('');
        void refresh();
      },
    }),
  );
  const remove = useMutation(trpc.webhooks.remove.mutationOptions({ onSuccess: () => void refresh() }));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ url, events });
  }

  return (
    <>
      {secret ? (
        <div className="panel" role="status" aria-label="New webhook secret">
          <p>
            <strong>Signing secret for {secret.url} — copy it now, it will not be shown again:</strong>
          </p>
          <p>
            <code className="break-words">{secret.secret}</code>
          </p>
          <button type="button" className="button" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </div>
      ) : null}
      <form className="form panel" onSubmit={onSubmit} aria-label="Add a webhook">
        <div className="field">
          <label htmlFor="webhook-url">Endpoint URL</label>
          <input id="webhook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required />
        </div>
        <fieldset className="field">
          <legend>Events</legend>
          {EVENTS.map((ev) => (
            <label key={ev}>
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) =>
                  setEvents((p) => (e.target.checked ? [...p, ev] : p.filter((x) => x !== ev)))
                }
              />{' '}
              <code>{ev}</code>
            </label>
          ))}
        </fieldset>
        {create.error ? <p className="alert alert--error">{create.error.message}</p> : null}
        <button type="submit" className="button" disabled={create.isPending || events.length === 0}>
          {create.isPending ? 'Adding…' : 'Add webhook'}
        </button>
      </form>
      {endpoints.data?.length === 0 ? <p className="muted">No webhooks yet.</p> : null}
      {endpoints.data?.map((ep) => (
        <article key={ep.id} className="panel">
          <h2 className="break-words">{ep.url}</h2>
          <p className="muted">{ep.events.join(', ')}</p>
          <button
            type="button"
            className="button button--ghost"
            onClick={() => setOpenId(openId === ep.id ? null : ep.id)}
          >
            {openId === ep.id ? 'Hide deliveries' : 'Show deliveries'}
          </button>{' '}
          <button
            type="button"
            className="button button--ghost"
            disabled={remove.isPending}
            onClick={() => remove.mutate({ id: ep.id })}
          >
            Remove
          </button>
          {openId === ep.id ? <WebhookDeliveries endpointId={ep.id} /> : null}
        </article>
      ))}
    </>
  );
}

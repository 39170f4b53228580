'use client';

import { ADMIN_QUEUES, JOB_STATES } from '@fjord/queue/admin-names';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/trpc/react';
import { JobTable } from './job-table';

type QueueName = (typeof ADMIN_QUEUES)[number];
type StateName = (typeof JOB_STATES)[number];
const PAGE_SIZE = 25;

export function JobBrowser({
  queue,
  state,
  page,
  q,
}: {
  queue: QueueName;
  state: StateName;
  page: number;
  q: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [query, setQuery] = useState(q);
  const list = useQuery(
    trpc.admin.jobs.queryOptions(
      { queue, state, page, pageSize: PAGE_SIZE },
      { refetchInterval: 2_000, enabled: !q },
    ),
  );
  const search = useQuery(
    trpc.admin.search.queryOptions({ q }, { enabled: Boolean(q), refetchInterval: 2_000 }),
  );
  const go = (next: Partial<{ queue: string; state: string; page: number; q: string }>) => {
    const params = new URLSearchParams({ queue, state, page: String(page), ...(q ? { q } : {}) });
    for (const [k, v] of Object.entries(next)) {
      if (v === '' || v === undefined) params.delete(k);
      else params.set(k, String(v));
    }
    router.push(`/admin/jobs?${params.toString()}`);
  };
  const lastPage = list.data ? Math.max(0, Math.ceil(list.data.total / PAGE_SIZE) - 1) : 0;

  return (
    <>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: query.trim(), page: 0 });
        }}
      >
        <label>
          Search{' '}
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="job id, media id or owner email"
            size={40}
          />
        </label>
        <button type="submit" className="button">
          Find jobs
        </button>
        {q && (
          <button type="button" className="button button--ghost" onClick={() => go({ q: '' })}>
            Clear
          </button>
        )}
      </form>
      {q ? (
        search.error ? (
          <p className="alert alert--error">{search.error.message}</p>
        ) : (
          <JobTable
            jobs={search.data ?? []}
            caption={`Jobs matching “${q}”: ${search.data?.length ?? '…'}`}
          />
        )
      ) : (
        <>
          <div className="toolbar">
            <label>
              Queue{' '}
              <select value={queue} onChange={(e) => go({ queue: e.target.value, page: 0 })}>
                {ADMIN_QUEUES.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
            </label>
            <label>
              State{' '}
              <select value={state} onChange={(e) => go({ state: e.target.value, page: 0 })}>
                {JOB_STATES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
          </div>
          {list.error && <p className="alert alert--error">{list.error.message}</p>}
          <JobTable
            jobs={list.data?.items ?? []}
            caption={`${queue} · ${state}: ${list.data?.total ?? '…'} jobs (page ${page + 1} of ${lastPage + 1})`}
          />
          <nav className="pager" aria-label="Pages">
            {page > 0 && (
              <Link href={`/admin/jobs?queue=${queue}&state=${state}&page=${page - 1}`}>« Newer</Link>
            )}
            {page < lastPage && (
              <Link href={`/admin/jobs?queue=${queue}&state=${state}&page=${page + 1}`} rel="next">
                Older »
              </Link>
            )}
          </nav>
        </>
      )}
    </>
  );
}

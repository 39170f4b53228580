import type { Metadata } from 'next';
import { ADMIN_QUEUES, JOB_STATES } from '@fjord/queue/admin-names';
import { JobBrowser } from '@/components/admin/job-browser';

export const metadata: Metadata = { title: 'Jobs' };

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

export default async function AdminJobsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const page = Math.max(0, Number.parseInt(typeof params.page === 'string' ? params.page : '0', 10) || 0);
  return (
    <section>
      <h1>Jobs</h1>
      <JobBrowser
        queue={pick(params.queue, ADMIN_QUEUES, 'transcode')}
        state={pick(params.state, JOB_STATES, 'failed')}
        page={page}
        q={typeof params.q === 'string' ? params.q : ''}
      />
    </section>
  );
}

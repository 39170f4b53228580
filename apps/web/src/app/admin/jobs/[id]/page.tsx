import type { Metadata } from 'next';
import Link from 'next/link';
import { JobDetail } from '@/components/admin/job-detail';

export const metadata: Metadata = { title: 'Job' };

export default async function AdminJobPage({ params }: { params: Promise<{ id: string }> }) {
  const id = decodeURIComponent((await params).id);
  return (
    <section>
      <p className="breadcrumbs">
        <Link href="/admin/jobs">Jobs</Link> / {id}
      </p>
      <h1 className="break-words">{id}</h1>
      <JobDetail id={id} />
    </section>
  );
}

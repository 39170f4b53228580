import type { Metadata } from 'next';
import { AdminOverview } from '@/components/admin/admin-overview';

export const metadata: Metadata = { title: 'Overview' };

export default function AdminOverviewPage() {
  return (
    <section>
      <h1>Pipeline</h1>
      <AdminOverview />
    </section>
  );
}

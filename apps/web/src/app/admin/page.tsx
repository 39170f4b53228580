import type { Metadata } from 'next';
import { AdminOverview } from '@/components/admin/admin-overview';
import { BrokerDurabilityBanner } from '@/components/admin/broker-durability-banner';

export const metadata: Metadata = { title: 'Overview' };

export default function AdminOverviewPage() {
  return (
    <section>
      <h1>Pipeline</h1>
      <BrokerDurabilityBanner />
      <AdminOverview />
    </section>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { requireAdmin } from '@/server/require-admin';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: { default: 'Admin', template: '%s · Admin · Fjord' } };

const TABS = [
  ['/admin', 'Overview'],
  ['/admin/jobs', 'Jobs'],
  ['/admin/media', 'Media'],
  ['/admin/reprocess', 'Bulk reprocess'],
  ['/admin/users', 'Users & keys'],
  ['/admin/audit', 'Audit log'],
] as const;

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin('/admin');
  return (
    <div className="admin">
      <nav aria-label="Admin" className="admin-tabs">
        {TABS.map(([href, label]) => (
          <Link key={href} href={href}>
            {label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}

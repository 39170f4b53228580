import type { Metadata } from 'next';
import { MediaAdminList } from '@/components/admin/media-admin-list';

export const metadata: Metadata = { title: 'Media' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function AdminMediaPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const q = (await searchParams).q;
  return (
    <section>
      <h1>All media</h1>
      <MediaAdminList initialMediaId={typeof q === 'string' && UUID.test(q) ? q : undefined} />
    </section>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { isUuid } from '@fjord/api';
import { MediaFlowPanel } from '@/components/admin/media-flow-panel';

export const metadata: Metadata = { title: 'Media flow' };

export default async function AdminMediaFlowPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isUuid(id)) notFound();
  return (
    <section>
      <p className="breadcrumbs">
        <Link href="/admin/media">All media</Link> / {id}
      </p>
      <h1 className="break-words">Media {id}</h1>
      <MediaFlowPanel mediaId={id} />
    </section>
  );
}

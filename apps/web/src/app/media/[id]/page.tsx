import { findMediaForViewer } from '@fjord/api';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatDate } from '@/components/format';
import { MediaDetail } from '@/components/media-detail';
import { requireUser } from '@/server/current-user';
import { getServices } from '@fjord/http';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Media' };

export default async function MediaPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/media/${id}`);
  const media = await findMediaForViewer({ db: getServices().db, viewer: user, id });
  if (!media) notFound();
  return (
    <article className="panel">
      <p className="breadcrumbs">
        <Link href="/media">My media</Link> / {media.originalName}
        {user.role === 'ADMIN' && (
          <>
            {' · '}
            <Link href={`/admin/media/${media.id}`}>Flow in the admin console</Link>
          </>
        )}
      </p>
      <h1 className="break-words">{media.originalName}</h1>
      <p className="muted">
        Uploaded {formatDate(media.createdAt)}
        {media.width && media.height ? ` · ${media.width} × ${media.height}` : ''}
      </p>
      <MediaDetail media={media} />
    </article>
  );
}

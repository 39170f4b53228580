import { listMediaForOwner } from '@fjord/api';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDate } from '@/components/format';
import { MediaStatusLabel } from '@/components/media-status-label';
import { PlaceholderImage } from '@/components/placeholder-image';
import { requireUser } from '@/server/current-user';
import { getServices } from '@fjord/http';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'My media' };

const PAGE_SIZE = 24;

export default async function MediaGalleryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const user = await requireUser('/media');
  const rawCursor = (await searchParams).cursor;
  const cursor = typeof rawCursor === 'string' ? rawCursor : null;
  const page = await listMediaForOwner({
    db: getServices().db,
    ownerId: user.id,
    cursor,
    limit: PAGE_SIZE,
  }).catch(() => listMediaForOwner({ db: getServices().db, ownerId: user.id, limit: PAGE_SIZE }));

  return (
    <section>
      <div className="page-head">
        <h1>My media</h1>
        <Link className="button" href="/upload">
          Upload
        </Link>
      </div>
      {page.items.length === 0 ? (
        <p className="panel">
          {cursor ? 'No more media.' : 'Nothing here yet.'}{' '}
          <Link href="/upload">Upload your first image or video</Link>.
        </p>
      ) : (
        <ul className="gallery">
          {page.items.map((m) => (
            <li key={m.id} className="gallery__item">
              <Link href={`/media/${m.id}`} className="gallery__link">
                <span className="gallery__thumb">
                  {m.thumbnailUrl ? (
                    <PlaceholderImage
                      src={m.thumbnailUrl}
                      alt=""
                      loading="lazy"
                      placeholder={m.placeholder}
                    />
                  ) : (
                    <span className="gallery__placeholder" aria-hidden="true">
                      {m.status === 'FAILED' ? '!' : '…'}
                    </span>
                  )}
                </span>
                <span className="gallery__name">{m.originalName}</span>
              </Link>
              <span className="gallery__meta">
                <MediaStatusLabel view={{ status: m.status }} />
                <time dateTime={m.createdAt}>{formatDate(m.createdAt)}</time>
              </span>
            </li>
          ))}
        </ul>
      )}
      <nav className="pager" aria-label="Pages">
        {cursor && <Link href="/media">« Newest</Link>}
        {page.nextCursor && (
          <Link href={`/media?cursor=${encodeURIComponent(page.nextCursor)}`} rel="next">
            Older »
          </Link>
        )}
      </nav>
    </section>
  );
}

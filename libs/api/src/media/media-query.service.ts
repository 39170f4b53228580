import type { AuthUser } from '@fjord/auth';
import type { DbClient, MediaKind, MediaStatus } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { mediaDtoSelect, toMediaDto, type MediaDto } from './media.dto';

export type Viewer = Pick<AuthUser, 'id' | 'role'>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_PAGE_SIZE = 50;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** Owner or admin sees it; everyone else gets null, exactly as for a media that does not exist. */
export function mediaVisibleTo(viewer: Viewer, id: string) {
  return viewer.role === 'ADMIN' ? { id } : { id, ownerId: viewer.id };
}

export async function findMediaForViewer(deps: {
  db: DbClient;
  viewer: Viewer;
  id: string;
}): Promise<MediaDto | null> {
  if (!isUuid(deps.id)) return null;
  const row = await deps.db.media.findFirst({
    where: mediaVisibleTo(deps.viewer, deps.id),
    select: mediaDtoSelect,
  });
  return row ? toMediaDto(row) : null;
}

export async function getMediaForViewer(deps: {
  db: DbClient;
  viewer: Viewer;
  id: string;
}): Promise<MediaDto> {
  const media = await findMediaForViewer(deps);
  if (!media) throw new AppError('not_found', 'This media does not exist or you do not have access to it.');
  return media;
}

type Cursor = { createdAt: Date; id: string };

export function encodeMediaCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString('base64url');
}

export function decodeMediaCursor(raw: string): Cursor {
  const [iso, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw new AppError('bad_request', 'The page cursor is not valid; start again from the first page.');
  }
  return { createdAt, id };
}

export type MediaListFilters = {
  status?: MediaStatus;
  kind?: MediaKind;
  /** Inclusive. */
  createdFrom?: Date;
  /** Exclusive. */
  createdTo?: Date;
};

/** Newest first; keyset pagination on (createdAt, id) so pages stay stable while uploads arrive. */
export async function listMediaForOwner(deps: {
  db: DbClient;
  ownerId: string;
  cursor?: string | null;
  limit?: number;
  filters?: MediaListFilters;
}): Promise<{ items: MediaDto[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(deps.limit ?? 24, 1), MAX_PAGE_SIZE);
  const after = deps.cursor ? decodeMediaCursor(deps.cursor) : undefined;
  const { status, kind, createdFrom, createdTo } = deps.filters ?? {};
  const rows = await deps.db.media.findMany({
    where: {
      ownerId: deps.ownerId,
      ...(status ? { status } : {}),
      ...(kind ? { kind } : {}),
      ...(createdFrom || createdTo ? { AND: [{ createdAt: { gte: createdFrom, lt: createdTo } }] } : {}),
      ...(after
        ? {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { lt: after.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: mediaDtoSelect,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeMediaCursor(last) : null;
  return { items: page.map(toMediaDto), nextCursor };
}

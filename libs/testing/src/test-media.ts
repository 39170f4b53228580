// eslint-disable-next-line @nx/enforce-module-boundaries
import type { DbClient, MediaModel, Prisma, RenditionModel } from '@fjord/db';

export type ReadyMediaOverrides = Partial<Omit<Prisma.MediaUncheckedCreateInput, 'ownerId'>> & {
  ownerId: string;
};

/**
 * A media row as a finished flow leaves it (READY, finishedAt set), with no blobs behind it: for tests of
 * what comes after processing (notify, webhooks) that never read the file.
 */
export function createReadyMedia(db: DbClient, overrides: ReadyMediaOverrides): Promise<MediaModel> {
  return db.media.create({
    data: {
      kind: 'IMAGE',
      status: 'READY',
      originalName: 'a.png',
      mimeType: 'image/png',
      sizeBytes: 1n,
      sha256: 'a'.repeat(64),
      storageKey: 'k',
      finishedAt: new Date(),
      ...overrides,
    },
  });
}

export type TestRenditionOverrides = Partial<Omit<Prisma.RenditionUncheckedCreateInput, 'mediaId'>> & {
  mediaId: string;
};

/** A rendition row (a 1×1 `thumb-webp` of 12 bytes unless told), at the key a worker would write it to. */
export function createTestRendition(
  db: DbClient,
  overrides: TestRenditionOverrides,
): Promise<RenditionModel> {
  const name = overrides.name ?? 'thumb-webp';
  return db.rendition.create({
    data: {
      name,
      format: 'webp',
      mimeType: 'image/webp',
      width: 1,
      height: 1,
      bytes: 12,
      storageKey: `media/${overrides.mediaId}/r/${name}.webp`,
      ...overrides,
    },
  });
}

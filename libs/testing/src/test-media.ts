// eslint-disable-next-line @nx/enforce-module-boundaries
import type { DbClient, MediaModel, Prisma } from '@fjord/db';

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

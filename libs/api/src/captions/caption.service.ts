import { randomBytes } from 'node:crypto';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { mediaPrefix, type BlobStore } from '@fjord/storage';
import { mediaFileUrl } from '../media/media.dto';
import { normalizeCaptions, type CaptionFormat } from './caption-text';
import { CAPTION_MAX_TRACKS } from './caption.schemas';

export type CaptionRow = { lang: string; label: string; bytes: number; createdAt: Date };
export type CaptionTrack = { lang: string; label: string; uri: string };

const CAPTION_FILE_PREFIX = 'caption-';
const captionSelect = { lang: true, label: true, bytes: true, createdAt: true } as const;

/** The file name a caption is served under, beside the renditions: `/files/<id>/caption-<lang>`. */
export function captionFileName(lang: string): string {
  return `${CAPTION_FILE_PREFIX}${lang}`;
}

/** The language a `caption-<lang>` file name stands for, or null for any other file name. */
export function captionLangOf(fileName: string): string | null {
  return fileName.startsWith(CAPTION_FILE_PREFIX) ? fileName.slice(CAPTION_FILE_PREFIX.length) : null;
}

export function captionFileUrl(mediaId: string, lang: string): string {
  return mediaFileUrl(mediaId, captionFileName(lang));
}

/**
 * The subtitle tracks of a presentation, as a playlist renderer takes them. `uri` is relative
 * (`caption-<lang>`): resolved against the master's own URL it works under /files, a signed stream
 * prefix or any proxy path.
 */
export function captionTracksFor(media: { captions: { lang: string; label: string }[] }): CaptionTrack[] {
  return [...media.captions]
    .sort((a, b) => a.lang.localeCompare(b.lang))
    .map((c) => ({ lang: c.lang, label: c.label, uri: captionFileName(c.lang) }));
}

export type CaptionServiceDeps = {
  db: DbClient;
  storage: Pick<BlobStore, 'put' | 'delete'>;
};

/**
 * Captions of a video; authz is the caller's job (it passes a media the viewer may change). A new upload
 * for a language replaces the old one: the new blob under a fresh key first, then the row, then the old
 * blob, so a reader never meets a row without its file. A blob left by a crash is the orphan sweep's.
 */
export function createCaptionService(deps: CaptionServiceDeps) {
  const { db, storage } = deps;

  async function listCaptions(mediaId: string): Promise<CaptionRow[]> {
    return db.caption.findMany({ where: { mediaId }, select: captionSelect, orderBy: { lang: 'asc' } });
  }

  async function putCaption(input: {
    media: { id: string; kind: string };
    lang: string;
    label: string;
    body: Uint8Array;
    format: CaptionFormat;
  }): Promise<CaptionRow> {
    const { media, lang, label } = input;
    if (media.kind !== 'VIDEO')
      throw new AppError('bad_request', 'Captions belong to videos; this is an image.');
    const { vtt } = normalizeCaptions(input.body, input.format);
    const existing = await db.caption.findUnique({
      where: { mediaId_lang: { mediaId: media.id, lang } },
      select: { storageKey: true },
    });
    if (!existing && (await db.caption.count({ where: { mediaId: media.id } })) >= CAPTION_MAX_TRACKS) {
      throw new AppError(
        'conflict',
        `A video may have at most ${CAPTION_MAX_TRACKS} caption tracks; delete one first.`,
      );
    }
    const storageKey = `${mediaPrefix(media.id)}captions/${lang}.${randomBytes(6).toString('hex')}.vtt`;
    const bytes = Buffer.from(vtt, 'utf8');
    await storage.put(storageKey, bytes);
    let row: CaptionRow;
    try {
      row = await db.caption.upsert({
        where: { mediaId_lang: { mediaId: media.id, lang } },
        create: { mediaId: media.id, lang, label, storageKey, bytes: bytes.byteLength },
        update: { label, storageKey, bytes: bytes.byteLength, createdAt: new Date() },
        select: captionSelect,
      });
    } catch (err) {
      // The media was deleted meanwhile (foreign key), or the database failed: the blob is nobody's.
      await storage.delete(storageKey).catch(() => undefined);
      throw err;
    }
    if (existing && existing.storageKey !== storageKey) await storage.delete(existing.storageKey);
    return row;
  }

  /** false when the media has no track in that language. */
  async function deleteCaption(mediaId: string, lang: string): Promise<boolean> {
    const row = await db.caption.findUnique({
      where: { mediaId_lang: { mediaId, lang } },
      select: { id: true, storageKey: true },
    });
    if (!row) return false;
    const { count } = await db.caption.deleteMany({ where: { id: row.id } });
    if (count > 0) await storage.delete(row.storageKey);
    return count > 0;
  }

  return { listCaptions, putCaption, deleteCaption };
}
export type CaptionService = ReturnType<typeof createCaptionService>;

/** The stored file behind `/files/<id>/caption-<lang>`, for the files handler. */
export async function findCaptionFile(db: DbClient, mediaId: string, lang: string) {
  return db.caption.findUnique({
    where: { mediaId_lang: { mediaId, lang } },
    select: { storageKey: true, bytes: true },
  });
}

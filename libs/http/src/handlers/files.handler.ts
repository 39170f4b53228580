import { captionLangOf, findCaptionFile, isUuid, mediaFileUrl, mediaVisibleTo } from '@fjord/api';
import { verifySignedFilePath } from '@fjord/auth';
import type { DbClient } from '@fjord/db';
import type { Logger } from '@fjord/observability';
import { contentDisposition, type BlobStore } from '@fjord/storage';
import { jsonError, toErrorResponse } from '../http-error';
import { authorizeRequest, viewerOf } from '../request-auth';
import { storedFileResponse } from '../stored-file.response';

export type FilesHandlerDeps = {
  db: DbClient;
  storage: BlobStore;
  urlSigningSecret: string;
  logger?: Pick<Logger, 'error'>;
};
export type FileParams = { mediaId: string; name: string };

type ResolvedFile = {
  storageKey: string;
  mimeType: string;
  etag: string;
  downloadName?: string;
  /** Replaceable under the same URL (captions): revalidate instead of caching for a year. */
  isMutable?: boolean;
};

const NOT_FOUND = 'This file does not exist or you do not have access to it.';

async function resolveFile(
  deps: FilesHandlerDeps,
  /** null: a signed URL already proved access to exactly this file. */
  viewer: { id: string; role: 'USER' | 'ADMIN' } | null,
  params: FileParams,
): Promise<ResolvedFile | null> {
  if (!isUuid(params.mediaId)) return null;
  const media = await deps.db.media.findFirst({
    where: viewer ? mediaVisibleTo(viewer, params.mediaId) : { id: params.mediaId },
    select: { id: true, storageKey: true, mimeType: true, sha256: true, originalName: true },
  });
  if (!media) return null;
  if (params.name === 'original') {
    const { storageKey, mimeType, sha256, originalName: downloadName } = media;
    return { storageKey, mimeType, etag: `"${sha256}"`, downloadName };
  }
  const captionLang = captionLangOf(params.name);
  if (captionLang !== null) {
    const caption = await findCaptionFile(deps.db, media.id, captionLang);
    if (!caption) return null;
    // Each upload gets a new key (with a random part), so the key names these exact bytes.
    const file: ResolvedFile = {
      storageKey: caption.storageKey,
      mimeType: 'text/vtt; charset=utf-8',
      etag: `"${caption.storageKey.split('/').pop()}"`,
      isMutable: true,
    };
    return file;
  }
  const rendition = await deps.db.rendition.findUnique({
    where: { mediaId_name: { mediaId: media.id, name: params.name } },
    select: { id: true, storageKey: true, mimeType: true, bytes: true },
  });
  // A rendition key is written once per (media, variant); its row id and size pin the bytes.
  return rendition && { ...rendition, etag: `"${rendition.id}-${rendition.bytes}"` };
}

/** The viewer from a signed URL (null = anyone holding it), a session or an API key; a Response refuses. */
async function authorize(deps: FilesHandlerDeps, req: Request, params: FileParams) {
  const query = new URL(req.url).searchParams;
  if (query.has('sig') || query.has('expires')) {
    const check = verifySignedFilePath({
      secret: deps.urlSigningSecret,
      filePath: mediaFileUrl(params.mediaId, params.name),
      expires: query.get('expires'),
      sig: query.get('sig'),
    });
    if (check === 'valid') return { viewer: null };
    return jsonError(
      'forbidden',
      check === 'expired'
        ? 'This download link has expired; ask the API for a fresh one.'
        : 'This download link is not valid.',
    );
  }
  const principal = await authorizeRequest(req, deps.db, { scope: 'media:read', to: 'download files' });
  return { viewer: viewerOf(principal) };
}

/**
 * GET/HEAD /files/:mediaId/:name — the owner's (or a signed-in admin's) original or rendition bytes, or anyone's
 * with a valid `?expires=&sig=` signed URL.
 */
export function createFilesHandler(deps: FilesHandlerDeps) {
  return async function handleFileRequest(req: Request, params: FileParams): Promise<Response> {
    try {
      const access = await authorize(deps, req, params);
      if (access instanceof Response) return access;
      const file = await resolveFile(deps, access.viewer, params);
      const stat = file ? await deps.storage.stat(file.storageKey) : null;
      if (!file || !stat) return jsonError('not_found', NOT_FOUND);

      const headers = new Headers({
        'Content-Type': file.mimeType,
        'Cache-Control':
          file.downloadName || file.isMutable ? 'private, no-cache' : 'private, max-age=31536000, immutable',
        Vary: 'Cookie, Authorization',
      });
      if (file.downloadName) headers.set('Content-Disposition', contentDisposition(file.downloadName));
      const { storageKey, etag } = file;
      return storedFileResponse({ req, storage: deps.storage, storageKey, size: stat.size, etag, headers });
    } catch (err) {
      return toErrorResponse(err, deps.logger);
    }
  };
}

import { mediaFileUrl, type MediaCreated } from '@fjord/api';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import type { IngestService } from '@fjord/ingest';
import type { Logger } from '@fjord/observability';
import { parseContentDigest } from '../content-digest';
import { toErrorResponse } from '../http-error';
import { authorizeRequest, type OriginPolicy } from '../request-auth';

export type StreamIngestDeps = {
  ingest: IngestService;
  config: Pick<Config, 'VIDEO_UPLOAD_MAX_BYTES' | 'FJORD_PUBLIC_URL'>;
};

export type StreamUploadDeps = StreamIngestDeps & {
  db: DbClient;
  config: OriginPolicy;
  logger?: Pick<Logger, 'error'>;
};

function formatLimit(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

/** The file name from `X-Filename` (URI-encoded, so any Unicode name survives a header) or `?filename=`. */
export function readStreamFilename(req: Request): string {
  const header = req.headers.get('x-filename');
  if (header) {
    try {
      return decodeURIComponent(header);
    } catch {
      return header;
    }
  }
  return new URL(req.url).searchParams.get('filename') ?? 'upload';
}

/** The 202 body of every upload and reprocess (MediaCreatedSchema): where the media and its files live. */
export function mediaCreatedResponse(media: Pick<MediaCreated, 'id' | 'kind' | 'status'>, publicUrl: string) {
  const self = new URL(`/api/v1/media/${media.id}`, publicUrl).toString();
  const body: MediaCreated = {
    id: media.id,
    kind: media.kind,
    status: media.status,
    // The file uploaded, at /files: it answers the same session or API key that uploaded it.
    links: { self, files: new URL(mediaFileUrl(media.id, 'original'), publicUrl).toString() },
  };
  return Response.json(body, { status: 202, headers: { Location: self, 'Cache-Control': 'no-store' } });
}

/**
 * The raw file as the body (application/octet-stream) for an already authorised principal: the bytes go
 * from the socket to storage in chunks, never whole in memory, so a multi-GB video costs the web process
 * the same as a photo. A `Content-Digest: sha-256=:…:` is checked against the bytes stored; on a mismatch
 * nothing is kept. Throws AppError; REST wraps it in idempotency, the web upload route in its own auth.
 */
export function createStreamIngest(deps: StreamIngestDeps) {
  return async function ingestStream(req: Request, principal: { user: { id: string } }): Promise<Response> {
    const max = deps.config.VIDEO_UPLOAD_MAX_BYTES;
    const declared = Number(req.headers.get('content-length') ?? '0');
    const filename = readStreamFilename(req);
    if (declared > max) {
      throw new AppError(
        'too_large',
        `${filename} is ${formatLimit(declared)}; the limit is ${formatLimit(max)}.`,
      );
    }
    const expectedSha256 = parseContentDigest(req.headers.get('content-digest'));
    if (!req.body) throw new AppError('bad_request', 'Send the file as the request body.');
    const media = await deps.ingest.ingestUpload({
      ownerId: principal.user.id,
      filename,
      declaredType: req.headers.get('content-type') ?? undefined,
      body: req.body,
      requestId: req.headers.get('x-request-id') ?? undefined,
      // Reserved against the storage quota before a byte is read (settled at the size that arrives).
      ...(Number.isSafeInteger(declared) && declared > 0 ? { declaredBytes: declared } : {}),
      ...(expectedSha256 ? { expectedSha256 } : {}),
    });
    return mediaCreatedResponse(media, deps.config.FJORD_PUBLIC_URL);
  };
}

/** POST /api/uploads: the streamed upload for a session (same origin only: CSRF) or an API key. */
export function createStreamUploadHandler(deps: StreamUploadDeps) {
  const ingestStream = createStreamIngest(deps);
  return async function handleStreamUpload(req: Request): Promise<Response> {
    try {
      const principal = await authorizeRequest(req, deps.db, {
        scope: 'media:write',
        to: 'upload',
        origin: deps.config,
      });
      return await ingestStream(req, principal);
    } catch (err) {
      return toErrorResponse(err, deps.logger);
    }
  };
}

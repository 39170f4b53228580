import { Readable } from 'node:stream';
import {
  listMediaForOwner,
  MediaListQuerySchema,
  RestMediaSchema,
  type MediaDto,
  type IdempotencyStore,
  type MediaList,
  type RestMedia,
} from '@fjord/api';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import type { IngestService } from '@fjord/ingest';
import { findSignedPlayback } from '@fjord/webhooks';
import { readMultipartFile, streamMultipartFile } from '../multipart-upload';
import { keyOwnerMedia, parseRestInput, type createRestApi } from '../rest-api';
import { parseContentDigest } from '../content-digest';
import { createIdempotent, smallBodyParts } from '../rest-idempotency';
import { createStreamIngest, mediaCreatedResponse, readStreamFilename } from './stream-upload.handler';

export type RestMediaDeps = {
  db: DbClient;
  ingest: IngestService;
  deleteMedia(mediaId: string): Promise<{ deleted: boolean }>;
  reprocessMedia(mediaId: string): Promise<{ removedJobs: number }>;
  config: Pick<
    Config,
    'UPLOAD_MAX_BYTES' | 'VIDEO_UPLOAD_MAX_BYTES' | 'FJORD_PUBLIC_URL' | 'SIGNED_URL_TTL_SECONDS'
  >;
  urlSigningSecret: string;
  restApi: ReturnType<typeof createRestApi>;
  idempotency: IdempotencyStore;
};

/** The REST shape (parsing keeps the schema's fields only): video facts grouped, URLs absolute. */
export function toRestMedia(media: MediaDto, publicUrl: string): RestMedia {
  const { durationMs, videoCodec, audioCodec, bitrate, rotation } = media;
  const video =
    media.kind === 'VIDEO' ? { durationMs, videoCodec, audioCodec, bitrate, rotation } : undefined;
  const renditions = media.renditions.map((r) => ({
    ...r,
    bitrate: r.bitrate || undefined,
    durationMs: r.bitrate ? (r.durationMs ?? null) : undefined,
    url: new URL(r.url, publicUrl).toString(),
  }));
  return RestMediaSchema.parse({ ...media, video, renditions });
}

/**
 * REST for services: API keys only (a cookie never authorises these, so there is nothing to forge), each
 * acting as its owner on the owner's media, whatever the owner's role (viewerOf).
 */
export function createRestMediaHandlers(deps: RestMediaDeps) {
  const ingestStream = createStreamIngest(deps);
  const once = createIdempotent(deps.idempotency);

  /**
   * POST /api/v1/media — multipart field `file` (small images, Idempotency-Key honoured), or the raw file
   * as application/octet-stream with `X-Filename` (streamed; videos up to VIDEO_UPLOAD_MAX_BYTES).
   * 202 as soon as the upload is stored and queued.
   */
  const createMedia = (req: Request) =>
    deps.restApi(req, 'createMedia', async (principal) => {
      const contentType = req.headers.get('content-type') ?? '';
      if (contentType.toLowerCase().startsWith('application/octet-stream')) {
        if (req.headers.get('idempotency-key') === null) return ingestStream(req, principal);
        // A stream can be read once: what it is must be known before it is read, hence the digest.
        const sha256 = parseContentDigest(req.headers.get('content-digest'));
        if (!sha256) {
          throw new AppError(
            'bad_request',
            'A streamed upload with an Idempotency-Key needs a Content-Digest header (the sha-256 of the file), so a repeat can be recognised without reading it twice.',
          );
        }
        const parts: [string, string][] = [
          ['filename', readStreamFilename(req)],
          ['sha-256', sha256],
        ];
        return once(req, principal.apiKeyId, parts, () => ingestStream(req, principal));
      }
      // Streamed (busboy): the file goes from the socket to storage, hashed there, in one pass.
      const file = await streamMultipartFile(req, deps.config.UPLOAD_MAX_BYTES);
      const ingestFile = (body: Buffer | AsyncIterable<Uint8Array>, declaredBytes?: number) =>
        deps.ingest.ingestUpload({
          ownerId: principal.user.id,
          filename: file.name || 'upload',
          declaredType: file.type || undefined,
          body: Buffer.isBuffer(body) ? body : Readable.from(body),
          ...(declaredBytes !== undefined ? { declaredBytes } : {}),
          requestId: req.headers.get('x-request-id') ?? undefined,
        });
      if (req.headers.get('idempotency-key') === null) {
        return mediaCreatedResponse(await ingestFile(file.body), deps.config.FJORD_PUBLIC_URL);
      }
      // A repeat must be recognised before anything is stored: the file (≤ UPLOAD_MAX_BYTES) is read
      // and hashed first, in one pass, and the same bytes are stored.
      const { bytes, parts } = await readMultipartFile(file);
      return once(req, principal.apiKeyId, parts, async () =>
        mediaCreatedResponse(await ingestFile(bytes, bytes.byteLength), deps.config.FJORD_PUBLIC_URL),
      );
    });

  /** GET /api/v1/media — the key owner's media, newest first, with filters. */
  const listMedia = (req: Request) =>
    deps.restApi(req, 'listMedia', async (principal) => {
      const query = parseRestInput(MediaListQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
      const page = await listMediaForOwner({
        db: deps.db,
        ownerId: principal.user.id,
        cursor: query.cursor,
        limit: query.limit,
        filters: {
          status: query.status,
          kind: query.kind,
          createdFrom: query.createdFrom ? new Date(query.createdFrom) : undefined,
          createdTo: query.createdTo ? new Date(query.createdTo) : undefined,
        },
      });
      const body: MediaList = {
        items: page.items.map((m) => toRestMedia(m, deps.config.FJORD_PUBLIC_URL)),
        nextCursor: page.nextCursor,
      };
      return Response.json(body);
    });

  /** GET /api/v1/media/:id */
  const getMedia = (req: Request, id: string) =>
    deps.restApi(req, 'getMedia', async (principal) => {
      const media = await keyOwnerMedia(deps.db, principal, id);
      const playback =
        media.kind === 'VIDEO'
          ? await findSignedPlayback({
              db: deps.db,
              urlSigningSecret: deps.urlSigningSecret,
              baseUrl: deps.config.FJORD_PUBLIC_URL,
              ttlSeconds: deps.config.SIGNED_URL_TTL_SECONDS,
              mediaId: media.id,
            })
          : undefined;
      const body: RestMedia = {
        ...toRestMedia(media, deps.config.FJORD_PUBLIC_URL),
        ...(playback !== undefined
          ? {
              streams: playback?.streams ?? null,
              storyboard: playback?.storyboard ?? null,
              captions: playback?.captions ?? [],
            }
          : {}),
      };
      return Response.json(body);
    });

  /** DELETE /api/v1/media/:id — stops processing in flight and removes every file. */
  const deleteMedia = (req: Request, id: string) =>
    deps.restApi(req, 'deleteMedia', async (principal) => {
      const media = await keyOwnerMedia(deps.db, principal, id);
      await deps.deleteMedia(media.id);
      return new Response(null, { status: 204 });
    });

  /** POST /api/v1/media/:id/reprocess — 409 while its flow still runs; Idempotency-Key. */
  const reprocessMedia = (req: Request, id: string) =>
    deps.restApi(req, 'reprocessMedia', async (principal) =>
      once(req, principal.apiKeyId, await smallBodyParts(req), async () => {
        const media = await keyOwnerMedia(deps.db, principal, id);
        await deps.reprocessMedia(media.id);
        return mediaCreatedResponse({ ...media, status: 'QUEUED' }, deps.config.FJORD_PUBLIC_URL);
      }),
    );

  return { createMedia, listMedia, getMedia, deleteMedia, reprocessMedia };
}

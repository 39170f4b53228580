import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { MediaIngest } from '@fjord/api';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { httpStatusForCode, isAppError } from '@fjord/errors';
import type { Logger } from '@fjord/observability';
import { finishedUploadKey, type Queues } from '@fjord/queue';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import { assertScope, authenticateRequest, isSameOrigin, type RequestPrincipal } from '../request-auth';
import { TUS_STORAGE_FULL_MESSAGE, isTusStorageFull } from './tus-storage-full';

export const TUS_PATH = '/api/tus';

export type TusUploadDeps = {
  db: DbClient;
  ingest: MediaIngest;
  config: Pick<Config, 'VIDEO_UPLOAD_MAX_BYTES' | 'dataDir' | 'QUEUE_PREFIX'>;
  logger: Pick<Logger, 'error' | 'info' | 'warn'>;
  queues: Pick<Queues, 'connection'>;
};

/** How long the outcome of a finished upload answers a HEAD (a client whose last response was lost). */
const FINISHED_UPLOAD_TTL_SECONDS = 24 * 3600;
type FinishedUpload = { ownerId: string; mediaId: string; size: number };

/** tus hooks fail by throwing `{ status_code, body }`; the body is JSON in Fjord's error shape. */
function refuse(status_code: number, code: string, message: string): never {
  throw { status_code, body: JSON.stringify({ error: { code, message } }) };
}

/**
 * Resumable uploads (tus 1.0) behind the same auth as everything else: a session (same origin only) or an
 * API key with media:write. Partial uploads live under <data>/tus, owned by whoever created them; nobody
 * else can resume, inspect or delete one. The finished file goes through the ordinary ingest (sniff,
 * limits, row, flow), streamed from disk, and the response carries the media id in `Upload-Media-Id`.
 */
export function createTusUploadServer(deps: TusUploadDeps) {
  const { db, ingest, config, logger } = deps;
  const redis = deps.queues.connection;
  const directory = path.join(config.dataDir, 'tus');
  // An upload nobody resumed for a day is abandoned: its partial file is removed (hourly sweep below).
  const datastore = new FileStore({ directory, expirationPeriodInMilliseconds: 24 * 3600 * 1000 });
  setInterval(() => {
    datastore
      .deleteExpired()
      .catch((err: unknown) => logger.error({ err }, 'tus: removing expired uploads failed'));
  }, 3600 * 1000).unref();

  async function principalOf(req: Request): Promise<RequestPrincipal> {
    const principal = await authenticateRequest(req, db, { allowSession: true });
    if (!principal) refuse(401, 'unauthorized', 'Sign in or send an API key to upload.');
    // Browsers send no Origin on a same-origin HEAD; HEAD changes nothing, so CSRF does not apply to it.
    if (principal.via === 'session' && req.method !== 'HEAD' && !isSameOrigin(req)) {
      refuse(403, 'forbidden', 'Cross-origin uploads are not allowed.');
    }
    try {
      assertScope(principal, 'media:write');
    } catch (err) {
      refuse(403, 'forbidden', err instanceof Error ? err.message : 'Forbidden.');
    }
    return principal;
  }

  const server = new Server({
    path: TUS_PATH,
    datastore,
    maxSize: config.VIDEO_UPLOAD_MAX_BYTES,
    respectForwardedHeaders: false,
    // tus's own writes (creating an upload, appending a PATCH) on a full disk: 507, not a bare 500.
    async onResponseError(_req, err) {
      if (!(await isTusStorageFull(err, directory))) return undefined;
      logger.error({ err, directory }, 'tus: the upload directory is full');
      const error = { code: 'storage_full', message: TUS_STORAGE_FULL_MESSAGE };
      return { status_code: httpStatusForCode('storage_full'), body: JSON.stringify({ error }) };
    },
    async onIncomingRequest(req, uploadId) {
      const principal = await principalOf(req);
      if (req.method === 'POST') return; // creating: nothing to own yet
      const upload = await datastore.getUpload(uploadId).catch(() => null);
      if (upload && upload.metadata?.ownerId !== principal.user.id) {
        refuse(404, 'not_found', 'This upload does not exist or you do not have access to it.');
      }
    },
    async onUploadCreate(req, upload) {
      const principal = await principalOf(req);
      // The owner is ours to set: whatever the client sent under this name is overwritten.
      return { metadata: { ...upload.metadata, ownerId: principal.user.id } };
    },
    async onUploadFinish(req, upload: Upload) {
      const ownerId = upload.metadata?.ownerId;
      if (!ownerId) refuse(500, 'internal', 'The upload lost its owner.');
      try {
        const media = await ingest.ingestUpload({
          ownerId,
          filename: upload.metadata?.filename ?? 'upload',
          declaredType: upload.metadata?.filetype ?? undefined,
          body: createReadStream(path.join(directory, upload.id)),
          requestId: req.headers.get('x-request-id') ?? undefined,
        });
        logger.info({ mediaId: media.id, uploadId: upload.id }, 'resumable upload finished');
        const finished: FinishedUpload = { ownerId, mediaId: media.id, size: upload.size ?? upload.offset };
        await redis
          .set(
            finishedUploadKey(config.QUEUE_PREFIX, upload.id),
            JSON.stringify(finished),
            'EX',
            FINISHED_UPLOAD_TTL_SECONDS,
          )
          .catch((err: unknown) =>
            logger.warn({ err, uploadId: upload.id }, 'tus: could not remember the finished upload'),
          );
        return {
          headers: { 'Upload-Media-Id': media.id, 'Access-Control-Expose-Headers': 'Upload-Media-Id' },
        };
      } catch (err) {
        if (isAppError(err)) refuse(httpStatusForCode(err.code), err.code, err.message);
        logger.error({ err, uploadId: upload.id }, 'resumable upload could not be ingested');
        refuse(500, 'internal', 'Something went wrong on our side. Please try again.');
      } finally {
        await datastore.remove(upload.id).catch(() => undefined);
      }
    },
  });
  /**
   * HEAD of an upload that already finished: its file is gone, but its owner may have lost the response
   * of the last PATCH (the one carrying Upload-Media-Id). For a day, HEAD answers complete, with the id.
   */
  async function answerFinished(req: Request): Promise<Response | null> {
    const { pathname } = new URL(req.url);
    const uploadId = pathname.startsWith(`${TUS_PATH}/`) ? pathname.slice(TUS_PATH.length + 1) : '';
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(uploadId)) return null;
    const stored = await redis.get(finishedUploadKey(config.QUEUE_PREFIX, uploadId)).catch(() => null);
    if (!stored) return null;
    const finished = JSON.parse(stored) as FinishedUpload;
    const principal = await authenticateRequest(req, db, { allowSession: true });
    // Anyone else is left to tus, which refuses them as for any upload that is not theirs.
    if (!principal || principal.user.id !== finished.ownerId) return null;
    return new Response(null, {
      status: 200,
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': String(finished.size),
        'Upload-Length': String(finished.size),
        'Upload-Media-Id': finished.mediaId,
        'Cache-Control': 'no-store',
        'Access-Control-Expose-Headers': 'Upload-Offset, Upload-Length, Upload-Media-Id',
      },
    });
  }

  async function handle(req: Request): Promise<Response> {
    if (req.method === 'HEAD') {
      const finished = await answerFinished(req);
      if (finished) return finished;
    }
    return server.handleWeb(req);
  }

  return { server, directory, handle };
}

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { createQuotaService, type IngestService, type QuotaConfig } from '@fjord/ingest';
import { httpStatusForCode, isAppError, isInfrastructureError, unavailableError } from '@fjord/errors';
import type { Logger } from '@fjord/observability';
import { finishedUploadKey, type Queues } from '@fjord/queue';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import { authenticateRequest, authorizeRequest, type RequestPrincipal } from '../request-auth';
import { countOpenUploads, sweepTusDirectory, TUS_UPLOAD_ID } from './tus-cleanup';
import { TUS_STORAGE_FULL_MESSAGE, isTusStorageFull } from './tus-storage-full';

export const TUS_PATH = '/api/tus';

export type TusUploadDeps = {
  db: DbClient;
  ingest: IngestService;
  config: Pick<
    Config,
    | 'VIDEO_UPLOAD_MAX_BYTES'
    | 'dataDir'
    | 'QUEUE_PREFIX'
    | 'TUS_UPLOAD_EXPIRY_MS'
    | 'TUS_CLEANUP_INTERVAL_MS'
    | 'TUS_MAX_OPEN_UPLOADS_PER_USER'
    | 'TRUST_PROXY'
    | 'FJORD_PUBLIC_URL'
  > &
    QuotaConfig;
  logger: Pick<Logger, 'error' | 'info' | 'warn'>;
  queues: Pick<Queues, 'connection'>;
};

/** How long the outcome of a finished upload answers a HEAD (a client whose last response was lost). */
const FINISHED_UPLOAD_TTL_SECONDS = 24 * 3600;
type FinishedUpload = { ownerId: string; mediaId: string; size: number };

const errorBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/** tus hooks fail by throwing `{ status_code, body }`; the body is JSON in Fjord's error shape. */
function refuse(status_code: number, code: string, message: string): never {
  throw { status_code, body: errorBody(code, message) };
}

/** An AppError as tus answers it (its status, code and sentence); anything else is thrown on. */
function refuseAppError(err: unknown): never {
  if (isAppError(err)) refuse(httpStatusForCode(err.code), err.code, err.message);
  throw err;
}

/** Postgres, Redis or S3 away (the owner lookup, the INSERT): 503 `unavailable`, Retry-After in `handle`. */
function refuseUnavailable(): never {
  const err = unavailableError();
  refuse(httpStatusForCode(err.code), err.code, err.message);
}
const UNAVAILABLE_RETRY_AFTER = String(unavailableError().details?.['retryAfterSeconds'] ?? 5);

const TUS_ERROR_CODES: Record<number, string> = {
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  413: 'too_large',
  423: 'conflict',
};
const NOT_YOURS = 'This upload does not exist or you do not have access to it.';
const INTERNAL = 'Something went wrong on our side. Please try again.';

/** tus's own refusals (`ERRORS.*`): a status and a fixed sentence, never a path. */
function isTusError(err: unknown): err is { status_code: number; body: string } {
  const e = err as { status_code?: unknown; body?: unknown } | null | undefined;
  return !(err instanceof Error) && typeof e?.status_code === 'number' && typeof e.body === 'string';
}

/**
 * Resumable uploads (tus 1.0) behind the same auth as everything else: a session (same origin only) or an
 * API key with media:write. Partial uploads live under <data>/tus, owned by whoever created them; nobody
 * else can resume, inspect or delete one. The finished file goes through the ordinary ingest (sniff,
 * limits, row, flow): moved into local storage by rename (copied to S3), and the response carries the media id in `Upload-Media-Id`.
 */
export function createTusUploadServer(deps: TusUploadDeps) {
  const { db, ingest, config, logger } = deps;
  const redis = deps.queues.connection;
  const quotas = createQuotaService({ db, config });
  const finishedKey = (uploadId: string) => finishedUploadKey(config.QUEUE_PREFIX, uploadId);
  const directory = path.join(config.dataDir, 'tus');
  // tus refuses (410) and the sweep removes an upload TUS_UPLOAD_EXPIRY_MS after its creation.
  const datastore = new FileStore({ directory, expirationPeriodInMilliseconds: config.TUS_UPLOAD_EXPIRY_MS });

  /** Expired partial uploads, halves whose other half is gone, strays: FileStore's own sweep misses the last two. */
  async function sweep(now?: number) {
    const { removed } = await sweepTusDirectory({ directory, maxAgeMs: config.TUS_UPLOAD_EXPIRY_MS, now });
    if (removed.length > 0) logger.info({ removed: removed.length }, 'tus: removed expired partial uploads');
    return removed;
  }
  const sweeper = setInterval(() => {
    sweep().catch((err: unknown) => logger.error({ err }, 'tus: removing expired uploads failed'));
  }, config.TUS_CLEANUP_INTERVAL_MS);
  sweeper.unref();

  /** Whose upload this is, failing closed: anything but a readable upload of this principal refuses. */
  async function assertOwner(uploadId: string, principal: RequestPrincipal): Promise<void> {
    if (!TUS_UPLOAD_ID.test(uploadId)) refuse(404, 'not_found', NOT_YOURS);
    let upload: Upload;
    try {
      upload = await datastore.getUpload(uploadId);
    } catch (err) {
      // Not found, or metadata without its file: nothing anyone may touch (the sweep removes it).
      if (isTusError(err) && err.status_code < 500) refuse(404, 'not_found', NOT_YOURS);
      logger.error({ err, uploadId }, 'tus: could not read an upload to check its owner');
      refuse(500, 'internal', INTERNAL);
    }
    if (!upload.metadata?.ownerId || upload.metadata.ownerId !== principal.user.id) {
      refuse(404, 'not_found', NOT_YOURS);
    }
  }

  function principalOf(req: Request): Promise<RequestPrincipal> {
    return authorizeRequest(req, db, { scope: 'media:write', to: 'upload', origin: config }).catch(
      refuseAppError,
    );
  }

  const server = new Server({
    path: TUS_PATH,
    datastore,
    maxSize: config.VIDEO_UPLOAD_MAX_BYTES,
    respectForwardedHeaders: false,
    // `/api/tus/<id>`: the client resolves it against the URL it called, so the Host header (which any
    // client sets) never picks the scheme or host an API key is sent to next.
    relativeLocation: true,
    namingFunction: () => randomBytes(16).toString('hex'),
    // Only ids we hand out reach the file system: `<id>.json`, `..`, encoded slashes are all not found.
    getFileIdFromRequest: (_req, lastPath) =>
      lastPath && TUS_UPLOAD_ID.test(lastPath) ? lastPath : undefined,
    async onIncomingRequest(req, uploadId) {
      const principal = await principalOf(req);
      if (req.method === 'POST') return; // creating: nothing to own yet
      await assertOwner(uploadId, principal);
    },
    // Whatever failed, the client reads Fjord's JSON and never a path or an internal message.
    async onResponseError(_req, err) {
      if (isTusError(err) && err.body.startsWith('{')) return undefined; // one of ours (refuse)
      // tus's own writes (creating an upload, appending a PATCH) on a full disk: 507, not a bare 500.
      if (await isTusStorageFull(err, directory)) {
        logger.error({ err, directory }, 'tus: the upload directory is full');
        return {
          status_code: httpStatusForCode('storage_full'),
          body: errorBody('storage_full', TUS_STORAGE_FULL_MESSAGE),
        };
      }
      // Checked after a full disk, which is the operator's to fix (507) rather than a wait (503).
      if (isInfrastructureError(err)) {
        logger.error({ err }, 'tus: a dependency is unavailable; answered 503');
        const unavailable = unavailableError();
        return {
          status_code: httpStatusForCode(unavailable.code),
          body: errorBody(unavailable.code, unavailable.message),
        };
      }
      if (isTusError(err) && err.status_code < 500) {
        const code = TUS_ERROR_CODES[err.status_code] ?? 'bad_request';
        return { status_code: err.status_code, body: errorBody(code, err.body.trim()) };
      }
      logger.error({ err }, 'tus request failed');
      return { status_code: 500, body: errorBody('internal', INTERNAL) };
    },
    async onUploadCreate(req, upload) {
      const principal = await principalOf(req);
      // Disk is bounded per user: at most this many partial uploads, each ≤ VIDEO_UPLOAD_MAX_BYTES, ≤ 24 h.
      const open = await countOpenUploads(directory, principal.user.id);
      if (open >= config.TUS_MAX_OPEN_UPLOADS_PER_USER) {
        refuse(
          429,
          'rate_limited',
          `You have ${open} unfinished uploads; finish or cancel one before starting another.`,
        );
      }
      // Quotas (docs/adr/0021): a declared Upload-Length that cannot fit, or a day's uploads used up, is
      // refused before the first PATCH; the completion reserves again, race-safe, in ingestUpload.
      try {
        await quotas.check(principal.user.id, upload.metadata?.filename ?? 'upload', upload.size);
      } catch (err) {
        refuseAppError(err);
      }
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
          // A local blob store renames the finished file into place: the bytes cross the disk once.
          file: path.join(directory, upload.id),
          requestId: req.headers.get('x-request-id') ?? undefined,
        });
        logger.info({ mediaId: media.id, uploadId: upload.id }, 'resumable upload finished');
        const finished: FinishedUpload = { ownerId, mediaId: media.id, size: upload.size ?? upload.offset };
        await redis
          .set(finishedKey(upload.id), JSON.stringify(finished), 'EX', FINISHED_UPLOAD_TTL_SECONDS)
          .catch((err: unknown) =>
            logger.warn({ err, uploadId: upload.id }, 'tus: could not remember the finished upload'),
          );
        return {
          headers: { 'Upload-Media-Id': media.id, 'Access-Control-Expose-Headers': 'Upload-Media-Id' },
        };
      } catch (err) {
        if (isAppError(err)) refuseAppError(err);
        logger.error({ err, uploadId: upload.id }, 'resumable upload could not be ingested');
        if (isInfrastructureError(err)) refuseUnavailable();
        refuse(500, 'internal', INTERNAL);
      } finally {
        // The file may have been moved into storage: then only its metadata is left to remove.
        await datastore
          .remove(upload.id)
          .catch(() => datastore.configstore.delete(upload.id))
          .catch(() => undefined);
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
    if (!TUS_UPLOAD_ID.test(uploadId)) return null;
    const stored = await redis.get(finishedKey(uploadId)).catch(() => null);
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
    const res = await server.handleWeb(req);
    // tus sets no headers from onResponseError: the client is told when to come back here.
    if (res.status === 503 && !res.headers.has('Retry-After'))
      res.headers.set('Retry-After', UNAVAILABLE_RETRY_AFTER);
    return res;
  }

  return { server, directory, handle, sweep, close: () => clearInterval(sweeper) };
}

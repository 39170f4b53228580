import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Config } from '@fjord/config';
import { transitionMedia, type DbClient } from '@fjord/db';
import { AppError, isAppError } from '@fjord/errors';
import { currentTraceCarrier, getMetrics, SpanKind, withSpan } from '@fjord/observability';
import { fairPriority, variantNamesFor, type MediaFlowEnqueuer, type QueueLogger } from '@fjord/queue';
import { originalKey, type BlobStore } from '@fjord/storage';
import { ownerMediaInFlight } from './fair-priority';
import { createQuotaService, type QuotaConfig, type Reservation } from './quota.service';
import { limitBytes, peekHead, toAsyncIterable, type UploadBody } from './read-head';
import { sanitizeFilename } from './sanitize-filename';
import { SNIFF_BYTES, describeUnsupported, sniffMediaType } from './sniff-media-type';

export type IngestUploadInput = {
  ownerId: string;
  filename: string;
  /** What the client claimed; logged, never trusted: the bytes decide. */
  declaredType?: string;
  body: UploadBody;
  /**
   * The body is this finished local file (a tus upload) and ingest may move it: with a local blob store
   * it is renamed into storage (`adoptFile`) instead of copied, and is gone afterwards. `body` still
   * reads it for the sniff; S3 streams it as any body.
   */
  file?: string;
  requestId?: string;
  /** From a Content-Digest header: the stored bytes must hash to this (lowercase hex) or nothing is kept. */
  expectedSha256?: string;
  /** The size the client announced (Content-Length of a raw body, tus Upload-Length): reserved up front. */
  declaredBytes?: number;
};

/** UPLOADED when the flow could not be added (the sweeper adds it later), else QUEUED. */
export type IngestUploadResult = { id: string; kind: 'IMAGE' | 'VIDEO'; status: 'UPLOADED' | 'QUEUED' };

export type IngestService = { ingestUpload(input: IngestUploadInput): Promise<IngestUploadResult> };

export type IngestDeps = {
  db: DbClient;
  storage: BlobStore;
  enqueuer: Pick<MediaFlowEnqueuer, 'enqueueMediaFlow'>;
  config: Pick<Config, 'UPLOAD_MAX_BYTES' | 'VIDEO_UPLOAD_MAX_BYTES'> & QuotaConfig;
  logger: QueueLogger;
};

/** Stops reading a body that is stored another way (its file is adopted): closes the file it reads. */
function closeBody(body: UploadBody): void {
  if (body instanceof Readable) body.destroy();
}

/** An upload's row is written on its first processing run (ADR 0015). */
const FIRST_RUN = 1;

const ACCEPTED =
  'Fjord accepts JPEG, PNG, WebP, GIF, AVIF, HEIC, JPEG XL and TIFF images and MP4, MOV, WebM and MKV videos.';

export function formatMegabytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${Math.round((bytes / 1024 ** 3) * 10) / 10} GB`;
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}

/**
 * Upload → blob on disk → Media row (UPLOADED) → flow in Redis → QUEUED. The row is written before the
 * enqueue: if Redis is down or the process dies in between, it stays UPLOADED and the sweeper enqueues it.
 */
export function createIngestService(deps: IngestDeps): IngestService {
  const { db, storage, enqueuer, config, logger } = deps;
  const quotas = createQuotaService({ db, config });

  /**
   * Quotas are reserved before the first byte is stored (one guarded UPDATE: docs/adr/0021), settled at
   * the stored size, and given back when the upload does not end as a media row.
   */
  async function ingest(input: IngestUploadInput, seen: { kind?: string }): Promise<IngestUploadResult> {
    const name = sanitizeFilename(input.filename);
    const { head, body } = await peekHead(toAsyncIterable(input.body), SNIFF_BYTES);
    const type = sniffMediaType(head);
    if (!type) {
      throw new AppError(
        'unsupported_type',
        `${name} is not a supported image or video: it looks like ${describeUnsupported(head)}. ${ACCEPTED}`,
        { declaredType: input.declaredType },
      );
    }
    seen.kind = type.kind;
    const reservation = await quotas.reserve({
      userId: input.ownerId,
      name,
      kind: type.kind,
      declaredBytes: input.declaredBytes,
    });
    try {
      return await store(input, name, type, body, reservation);
    } catch (err) {
      await quotas
        .release(input.ownerId, reservation)
        .catch((e: unknown) => logger.error({ err: e, ownerId: input.ownerId }, 'could not release a quota'));
      throw err;
    }
  }

  async function store(
    input: IngestUploadInput,
    name: string,
    type: NonNullable<ReturnType<typeof sniffMediaType>>,
    body: AsyncIterable<Uint8Array>,
    reservation: Reservation & { freeBytes: number | null; usedBytes: number; limitBytes: number },
  ): Promise<IngestUploadResult> {
    const id = randomUUID();
    const storageKey = originalKey(id, type.ext);
    const max = type.kind === 'VIDEO' ? config.VIDEO_UPLOAD_MAX_BYTES : config.UPLOAD_MAX_BYTES;
    const variants = variantNamesFor(type.kind);
    // The quota caps the stream too: what is reserved plus what is still free.
    const quotaCap = reservation.freeBytes === null ? Infinity : reservation.bytes + reservation.freeBytes;
    const cap = Math.min(max, quotaCap);
    const limited = limitBytes(body, cap, (seen, isComplete) => {
      if (cap < max) {
        const used = reservation.usedBytes - reservation.bytes;
        return quotas.storageRefusal(name, seen, used, reservation.limitBytes);
      }
      const size = isComplete ? formatMegabytes(seen) : `more than ${formatMegabytes(seen)}`;
      return new AppError('too_large', `${name} is ${size}; the limit is ${formatMegabytes(max)}.`, {
        maxBytes: max,
      });
    });
    const adopt = input.file !== undefined && storage.adoptFile ? storage.adoptFile : undefined;
    if (adopt) closeBody(input.body);
    const storeSpan = {
      kind: SpanKind.CLIENT,
      attributes: { 'fjord.media.id': id, 'fjord.media.kind': type.kind },
    };
    const stored = await withSpan('storage put original', storeSpan, async (span) => {
      const written = await (adopt
        ? adopt(storageKey, input.file!, { maxBytes: cap })
        : storage.put(storageKey, limited, { maxBytes: cap }));
      span.setAttribute('fjord.bytes', written.bytes);
      return written;
    }).catch((err: unknown) => {
      // The adopted (tus) file skips limitBytes: a refusal under the quota's cap is the quota's (413).
      if (isAppError(err) && err.code === 'too_large' && adopt && cap < max) {
        const used = reservation.usedBytes - reservation.bytes;
        throw quotas.storageRefusal(name, 0, used, reservation.limitBytes);
      }
      if (isAppError(err) && err.code === 'too_large' && !err.message.startsWith(name)) {
        throw new AppError('too_large', `${name} is larger than ${formatMegabytes(max)}, the limit.`);
      }
      if (isAppError(err) && err.code === 'storage_full') {
        logger.error({ err, requestId: input.requestId }, 'upload refused: storage is full');
        throw new AppError(
          'storage_full',
          `${name} could not be saved: Fjord's storage is full. Nothing was kept; please try again later.`,
        );
      }
      throw err;
    });

    if (input.expectedSha256 !== undefined && input.expectedSha256 !== stored.sha256) {
      await storage.delete(storageKey).catch(() => undefined);
      throw new AppError(
        'digest_mismatch',
        `${name} does not match its Content-Digest: the bytes that arrived are not the file that was described. Nothing was kept; send it again.`,
        { receivedSha256: stored.sha256 },
      );
    }

    // The flow's fair-share rank (ADR 0021), counted while the row is written. A failed count is no
    // reason to refuse a stored upload: it runs at the first rank.
    const inFlightBefore = ownerMediaInFlight(db, input.ownerId).catch(() => undefined);
    try {
      await quotas.settle(input.ownerId, name, reservation, stored.bytes);
      await db.media.create({
        data: {
          id,
          ownerId: input.ownerId,
          kind: type.kind,
          status: 'UPLOADED',
          originalName: name,
          mimeType: type.mime,
          sizeBytes: BigInt(stored.bytes),
          sha256: stored.sha256,
          storageKey,
          variantsTotal: variants.length,
          run: FIRST_RUN,
          queuedAt: new Date(),
          // The request's trace: a re-drive or reprocess of this media continues it (ADR 0022).
          ...currentTraceCarrier(),
        },
        select: { id: true },
      });
    } catch (err) {
      await storage.delete(storageKey).catch(() => undefined);
      throw err;
    }

    let status: IngestUploadResult['status'] = 'UPLOADED';
    const before = await inFlightBefore;
    try {
      await enqueuer.enqueueMediaFlow({
        mediaId: id,
        kind: type.kind,
        variants,
        requestId: input.requestId,
        run: FIRST_RUN,
        priority: fairPriority(before === undefined ? 1 : before + 1),
      });
      // A worker may have started it already (PROCESSING): then this changes nothing, as it should.
      await transitionMedia(db, id, 'queue');
      status = 'QUEUED';
    } catch (err) {
      // Not the client's problem: the upload is safe on disk and in Postgres; the sweeper retries.
      logger.warn({ err, mediaId: id, requestId: input.requestId }, 'enqueue failed; the sweeper will retry');
    }
    logger.info(
      { mediaId: id, requestId: input.requestId, bytes: stored.bytes, mime: type.mime },
      'upload ingested',
    );
    getMetrics().ingestedBytes.inc({ kind: type.kind }, stored.bytes);
    return { id, kind: type.kind, status };
  }

  /** Every upload route passes here: counted by kind and outcome (a refusal by its error code). */
  async function ingestUpload(input: IngestUploadInput): Promise<IngestUploadResult> {
    const seen: { kind?: string } = {};
    const { uploads } = getMetrics();
    try {
      const result = await ingest(input, seen);
      uploads.inc({ kind: result.kind, outcome: result.status.toLowerCase() });
      return result;
    } catch (err) {
      uploads.inc({ kind: seen.kind ?? 'unknown', outcome: isAppError(err) ? err.code : 'error' });
      throw err;
    }
  }

  return { ingestUpload };
}

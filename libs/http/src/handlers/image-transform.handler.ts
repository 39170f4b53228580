import { Readable } from 'node:stream';
import { isUuid } from '@fjord/api';
import { isValidImageSignature } from '@fjord/auth';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { AppError, isInfrastructureError } from '@fjord/errors';
import { createImageCache } from '@fjord/ingest';
import {
  IMAGE_FILE_EXT,
  imageLimitsOf,
  imageTransformCacheKey,
  isMediaProcessingError,
  negotiateImageFormat,
  resolveImageOptions,
  specFor,
  transformImage,
} from '@fjord/media';
import type { Logger } from '@fjord/observability';
import { imageRenderLockKey, onceAcrossProcesses, type LeaseRedis, type Produced } from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';
import { matchesIfNoneMatch } from '../byte-range';
import { jsonError, toErrorResponse } from '../http-error';
import { createRenderGate } from '../image/render-gate';
import { storedFileResponse } from '../stored-file.response';

export type ImageTransformConfig = Pick<
  Config,
  | 'IMAGE_TRANSFORM_MAX_SIZE'
  | 'IMAGE_TRANSFORM_MAX_PIXELS'
  | 'IMAGE_TRANSFORM_QUEUE'
  | 'IMAGE_CACHE_MAX_BYTES'
  | 'AVIF_EFFORT'
  | 'imageTransformConcurrency'
  | 'imagePresets'
  | 'QUEUE_PREFIX'
>;

export type ImageTransformDeps = {
  db: DbClient;
  storage: BlobStore;
  config: ImageTransformConfig;
  urlSigningSecret: string;
  logger: Pick<Logger, 'warn' | 'error'>;
  /** Redis, for the render lease that makes concurrent misses of one key render once across replicas. */
  queues: { connection: LeaseRedis };
  /** The renderer (tests wrap the real one to count renders). */
  render?: typeof transformImage;
  now?: () => Date;
};
export type ImageParams = { signature: string; options: string; mediaId: string };

/** The render lease: renewed every third of it while the holder renders, so only a dead holder loses it. */
const RENDER_LEASE_MS = 30_000;
/** How long a finished render's lease says `done`: a lookup that missed just before the row existed
 * learns it exists on its claim, so the first claim needs no second lookup. */
const RENDER_DONE_MS = 60_000;
/** A replica waiting for another's render looks for the cache row this often, and gives up after. */
const RENDER_POLL_MS = 100;
const RENDER_WAIT_MS = 60_000;

/** Rendered bytes a process may hold while their cache writes run behind the answers. */
const MAX_PENDING_WRITE_BYTES = 64 * 1024 * 1024;

/** What a miss answers with: the rendered bytes themselves, or (rendered by another replica) the stored file. */
type Served = { mimeType: string; bytes: number } & ({ data: Buffer } | { storageKey: string });
/** A render's answer now (null: deleted meanwhile), and its write to the cache, which the answer does not
 * wait for (true once the row exists). */
type Miss = Produced<Served | null>;

const NOT_FOUND = 'This image does not exist, is not ready, or was deleted.';

/**
 * GET/HEAD /img/<signature>/<options>/<mediaId> — an on-the-fly transform of an IMAGE media that is READY
 * (docs/adr/0020). The signature is the authorization (minted by image-url for someone who may read the
 * media); the result is cached in storage and served like any file (ETag, Range, nosniff, sandbox CSP).
 */
export function createImageTransformHandler(deps: ImageTransformDeps) {
  const { config } = deps;
  const limits = imageLimitsOf(config);
  const render = deps.render ?? transformImage;
  const cache = createImageCache({
    db: deps.db,
    storage: deps.storage,
    maxBytes: config.IMAGE_CACHE_MAX_BYTES,
    logger: deps.logger,
    // No decode lease here: a miss would wait for another process's decode inside its render slot. Misses
    // in this process share one decode; the transcode workers, which decode first, share theirs.
  });
  const gate = createRenderGate({
    concurrency: config.imageTransformConcurrency,
    queue: config.IMAGE_TRANSFORM_QUEUE,
  });

  /** Writes still running behind answers already sent (tests wait on them), and the bytes they hold. */
  const writes = new Set<Promise<unknown>>();
  let pendingBytes = 0;
  /** Renders whose cache write is still running, by key: a request in that window is answered from memory
   * instead of waiting on the render lease until the row exists. */
  const unstored = new Map<string, Served>();

  const isLive = async (id: string) => (await deps.db.media.count({ where: { id, status: 'READY' } })) > 0;

  async function renderOnce(opts: {
    key: string;
    media: { id: string; storageKey: string; run: number };
    spec: ReturnType<typeof specFor>;
  }): Promise<Miss> {
    // libvips reads a local original by path: the same CPU as decoding it from a buffer, without a fresh
    // buffer of the whole file per render — those made V8 run a full GC every few misses (docs/performance.md,
    // image-transform "the source by path").
    const local = deps.storage.localPath?.(opts.media.storageKey);
    // A render slot is held for reading the original (memory) and the render (CPU), not for the storage
    // and database writes after it.
    const rendered = await gate
      .limit(async () =>
        render({
          input: local ?? (await deps.storage.read(opts.media.storageKey)),
          spec: opts.spec,
          avifEffort: config.AVIF_EFFORT,
          maxOutputPixels: config.IMAGE_TRANSFORM_MAX_PIXELS,
          // An HEIC's or JPEG XL's decode, kept by the transcode worker or an earlier miss (ADR 0023).
          decoded: cache.decodedSource(opts.media.id, opts.media.run),
        }),
      )
      .catch(async (err: unknown) => {
        // The source is fine but this output would be too large (only a width on a very tall strip).
        if (isMediaProcessingError(err) && err.kind === 'too_large')
          throw new AppError('bad_request', err.message);
        // A decoder starved of CPU on a busy machine: come back, the image is fine.
        if (isMediaProcessingError(err) && isInfrastructureError(err)) {
          throw new AppError('unavailable', 'This image cannot be rendered right now; retry in a moment.', {
            retryAfterSeconds: 2,
          });
        }
        // Deleted while it rendered (its original went with it): gone, not a server error.
        if (!(await isLive(opts.media.id))) throw new AppError('not_found', NOT_FOUND);
        throw err;
      });
    // Write-behind: the answer goes out now; the cache row appears once the blob is stored. A failed
    // write costs a render next time, never this answer.
    const stored = cache
      .store({
        key: opts.key,
        mediaId: opts.media.id,
        ext: IMAGE_FILE_EXT[opts.spec.format],
        mimeType: rendered.mimeType,
        data: rendered.data,
      })
      .then(Boolean, (err: unknown) => {
        deps.logger.error({ err }, 'could not store a rendered image in the cache');
        return false;
      });
    const size = rendered.data.length;
    const served: Served = { mimeType: rendered.mimeType, bytes: size, data: rendered.data };
    writes.add(stored);
    unstored.set(opts.key, served);
    pendingBytes += size;
    void stored.finally(() => {
      writes.delete(stored);
      if (unstored.get(opts.key) === served) unstored.delete(opts.key);
      pendingBytes -= size;
    });
    // Writes slower than renders must not pile up buffers: past the bound, this answer waits for its own.
    if (pendingBytes > MAX_PENDING_WRITE_BYTES) await stored;
    // Deleted while it rendered: the erasure has been answered, so this render is not served either.
    if (!(await isLive(opts.media.id))) return { value: null, stored };
    return { value: served, stored };
  }

  /**
   * Render-once across processes (onceAcrossProcesses): the replica that claims the key's Redis lease renders
   * in a slot of its own gate and stores, the others poll the cache row; after RENDER_WAIT_MS, 503.
   */
  async function renderAcrossProcesses(opts: Parameters<typeof renderOnce>[0]): Promise<Miss> {
    const miss = await onceAcrossProcesses<Served | null>({
      redis: deps.queues.connection,
      lockKey: imageRenderLockKey(config.QUEUE_PREFIX, opts.key),
      lookup: () => cache.find(opts.key),
      produce: () => renderOnce(opts),
      waitedTooLong: () => {
        throw new AppError('unavailable', 'This image is still being rendered; retry in a moment.', {
          retryAfterSeconds: 1,
        });
      },
      onLeaseUnavailable: (err) =>
        deps.logger.warn({ err }, 'image render lease unavailable; rendering without it'),
      leaseMs: RENDER_LEASE_MS,
      doneMs: RENDER_DONE_MS,
      pollMs: RENDER_POLL_MS,
      waitMs: RENDER_WAIT_MS,
    });
    // settled() waits for the lease's done mark too, not only for the store before it.
    const marked = miss.stored;
    writes.add(marked);
    void marked.finally(() => writes.delete(marked));
    return miss;
  }

  async function handle(req: Request, params: ImageParams): Promise<Response> {
    const isSigned = isValidImageSignature({ secret: deps.urlSigningSecret, ...params });
    if (!isSigned) {
      return jsonError(
        'forbidden',
        'This image link is not valid: its signature does not match its options.',
      );
    }
    const resolved = resolveImageOptions(params.options, limits);
    const nowSeconds = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
    if (resolved.expires === undefined || resolved.expires < nowSeconds) {
      return jsonError('forbidden', 'This image link has expired; ask the API for a fresh one (image-url).');
    }
    if (!isUuid(params.mediaId)) return jsonError('not_found', NOT_FOUND);
    const media = await deps.db.media.findFirst({
      where: { id: params.mediaId, kind: 'IMAGE', status: 'READY' },
      select: { id: true, storageKey: true, run: true },
    });
    if (!media) return jsonError('not_found', NOT_FOUND);

    const format =
      resolved.format === 'auto' ? negotiateImageFormat(req.headers.get('accept')) : resolved.format;
    // The same key the transcode worker stores eager presets under (docs/adr/0027).
    const key = imageTransformCacheKey({ resolved, format, mediaId: media.id, run: media.run });
    const etag = `"${key.slice(0, 40)}"`;
    const headers = new Headers({
      'Content-Type': `image/${format}`,
      // The URL is the capability and stops working at its expiry; so does every cached copy.
      'Cache-Control': `private, max-age=${Math.max(0, resolved.expires - nowSeconds)}, immutable`,
    });
    if (resolved.format === 'auto') headers.set('Vary', 'Accept');
    // The ETag is a function of the request alone: a match needs neither the cache nor a render.
    if (matchesIfNoneMatch(req.headers.get('if-none-match'), etag)) {
      headers.delete('Content-Type');
      headers.set('ETag', etag);
      return new Response(null, { status: 304, headers });
    }
    const image: Served | null =
      unstored.get(key) ??
      (await cache.find(key)) ??
      (await gate.flight(key, () => renderAcrossProcesses({ key, media, spec: specFor(resolved, format) })))
        .value;
    if (!image) return jsonError('not_found', NOT_FOUND);
    headers.set('Content-Type', image.mimeType);
    return storedFileResponse({
      req,
      // A fresh render is served from memory, with the same Range/HEAD/ETag handling as a stored one.
      storage: 'data' in image ? bufferAsStore(image.data) : deps.storage,
      storageKey: 'storageKey' in image ? image.storageKey : key,
      size: image.bytes,
      etag,
      headers,
    });
  }

  return Object.assign(
    async (req: Request, params: ImageParams): Promise<Response> => {
      try {
        return await handle(req, params);
      } catch (err) {
        return toErrorResponse(err, deps.logger);
      }
    },
    {
      cache,
      gate,
      /** Resolves once every write-behind of a render (and the eviction it started) is done. */
      settled: async () => {
        while (writes.size) await Promise.all(writes);
        await cache.settled();
      },
    },
  );
}

/** One in-memory blob as the read side of a store, for storedFileResponse. */
function bufferAsStore(data: Buffer): Pick<BlobStore, 'createReadStream'> {
  return {
    createReadStream: (_key, range) =>
      Readable.from([data.subarray(range?.start ?? 0, (range?.end ?? data.length - 1) + 1)]),
  };
}

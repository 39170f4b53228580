import { transitionMedia, type DbClient } from '@fjord/db';
import { FfmpegAbortedError, type VideoInfo } from '@fjord/media';
import {
  attemptTag,
  runFolder,
  runGuardOf,
  writeFenced,
  UnrecoverableError,
  type Job,
  type MediaEventPublisher,
  type QueueLogger,
  type TranscodeJobData,
} from '@fjord/queue';
import { renditionKey, type BlobSource, type BlobStore } from '@fjord/storage';
import type { CancelRegistry } from './cancel-registry';
import { downloadToTempFile, type LocalCopy } from './download-original';
import type { ProbeOriginal } from './video-probe-cache';

export type Publish = MediaEventPublisher['publish'];

export type VideoProcessorDeps = {
  db: DbClient;
  storage: BlobStore;
  events: Pick<MediaEventPublisher, 'publish'>;
  logger: QueueLogger;
  cancels: CancelRegistry;
  ffmpegThreads: number;
  timeoutMs: number;
  /** Scratch space: ffmpeg outputs and, for blobs without a local path (S3), the job's copy of the original. */
  tempDir: string;
  /** The original's facts, probed once per worker for all of its children (video-probe-cache.ts). */
  probeOriginal: ProbeOriginal;
};

export const DELETED = 'The media was deleted while it was processed';

/** The hook runWorker calls once a transcode job has failed for good. */
export function announceFailedVariant(publish: Publish) {
  return async (data: TranscodeJobData) => {
    await publish({ mediaId: data.mediaId, type: 'variant-failed', variant: data.variant });
  };
}

/**
 * How every transcode job opens: its media (a final error once it is gone), marked PROCESSING by this
 * run. A stale run (ADR 0015) renders into its own folder and moves nothing; its finalize discards it.
 */
export async function openMedia(deps: { db: DbClient; publish: Publish }, data: TranscodeJobData) {
  const { mediaId } = data;
  // Both at once: one round trip before rendering instead of two. A gone row updates nothing.
  const [media, started] = await Promise.all([
    deps.db.media.findUnique({ where: { id: mediaId }, select: { storageKey: true } }),
    transitionMedia(deps.db, mediaId, 'start', {}, runGuardOf(data)),
  ]);
  if (!media) throw new UnrecoverableError('The media was deleted before it could be processed');
  if (started) await deps.publish({ mediaId, type: 'processing' });
  return media;
}

/** The source video's facts a result carries. */
export function sourceOf({ durationMs, videoCodec, audioCodec, bitrate, rotation }: VideoInfo) {
  return { durationMs, videoCodec, audioCodec, bitrate, rotation };
}

/** Deleted while it was processed: its cancel signal fired, or its row is gone. */
export async function isMediaGone(db: DbClient, mediaId: string, signal: AbortSignal) {
  return signal.aborted || !(await db.media.findUnique({ where: { id: mediaId }, select: { id: true } }));
}

/**
 * Runs a video job on a seekable local file of its original (the blob's path, else a private copy) under
 * the media's cancel signal. Stopped by a shutdown: a plain error (retried); by a delete: a final one.
 */
export async function withVideoInput<T>(
  deps: Pick<VideoProcessorDeps, 'storage' | 'cancels' | 'tempDir' | 'timeoutMs'>,
  media: { mediaId: string; storageKey: string },
  run: (input: string, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { storage } = deps;
  const cancel = deps.cancels.register(media.mediaId);
  let copy: LocalCopy | undefined;
  try {
    let input = storage.localPath?.(media.storageKey);
    if (!input) {
      const signal = AbortSignal.any([cancel.signal, AbortSignal.timeout(deps.timeoutMs)]);
      copy = await downloadToTempFile({ storage, key: media.storageKey, tempDir: deps.tempDir, signal });
      input = copy.path;
    }
    return await run(input, cancel.signal);
  } catch (err) {
    if (!(err instanceof FfmpegAbortedError) && !cancel.signal.aborted) throw err;
    throw cancel.signal.reason === 'shutdown'
      ? new Error('The worker stopped while processing; retrying')
      : new UnrecoverableError(DELETED);
  } finally {
    await copy?.cleanup();
    cancel.release();
  }
}

/**
 * Stores one file of this attempt under its own key (the run's folder and this attempt's tag: ADR 0014,
 * 0015), fenced: writeFenced.
 */
export async function putRunFile(
  at: { job: Job; data: TranscodeJobData; storage: Pick<BlobStore, 'put' | 'delete'> },
  file: { variant: string; ext: string; source: () => BlobSource },
): Promise<{ storageKey: string; bytes: number }> {
  const { job, data, storage } = at;
  const storageKey = renditionKey(data.mediaId, file.variant, file.ext, runFolder(data.run), attemptTag(job));
  const { bytes } = await writeFenced(
    job,
    () => storage.put(storageKey, file.source()),
    () => storage.delete(storageKey),
  );
  return { storageKey, bytes };
}

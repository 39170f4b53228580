import { createReadStream } from 'node:fs';
import { transitionMedia, type DbClient } from '@fjord/db';
import {
  FfmpegAbortedError,
  probeVideo,
  renderVideoVariant,
  shouldRenderVariant,
  type VideoInfo,
} from '@fjord/media';
import {
  attemptTag,
  findVideoVariant,
  handleJob,
  runFolder,
  runGuardOf,
  transcodeVideoJob,
  UnrecoverableError,
  type MediaEventPublisher,
  type QueueLogger,
  type Job,
  type TranscodeJobData,
  type TranscodeJobResult,
} from '@fjord/queue';
import { renditionKey, renditionPrefix, type BlobStore } from '@fjord/storage';
import type { CancelRegistry } from './cancel-registry';
import { downloadToTempFile, type LocalCopy } from './download-original';
import { transcodeLadder } from './transcode-ladder';
import { announceFailedVariant, putFencedOutput, safePublish } from './transcode-shared';

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
};

const DELETED = 'The media was deleted while it was processed';
const PROGRESS_EVENT_EVERY_MS = 500;

function sourceOf(info: VideoInfo) {
  const { durationMs, videoCodec, audioCodec, bitrate, rotation } = info;
  return { durationMs, videoCodec, audioCodec, bitrate, rotation };
}

/** One video output (a progressive rung, the CMAF ladder, the poster or the preview) of one media; returns metadata only. */
export function createVideoTranscodeProcessor(deps: VideoProcessorDeps) {
  const { db, storage, logger, cancels } = deps;
  const publish = safePublish(deps.events, logger);

  const isMediaPresent = async (id: string) =>
    Boolean(await db.media.findUnique({ where: { id }, select: { id: true } }));

  async function processVideoJob(data: TranscodeJobData, job: Job): Promise<TranscodeJobResult> {
    const { mediaId } = data;
    const variant = findVideoVariant(data.variant);
    if (!variant) throw new UnrecoverableError(`Unknown video variant "${data.variant}"`);
    const media = await db.media.findUnique({ where: { id: mediaId }, select: { storageKey: true } });
    if (!media) throw new UnrecoverableError('The media was deleted before it could be processed');
    if (await transitionMedia(db, mediaId, 'start', {}, runGuardOf(data))) {
      await publish({ mediaId, type: 'processing' });
    }

    const cancel = cancels.register(mediaId);
    let copy: LocalCopy | undefined;
    try {
      let input = storage.localPath?.(media.storageKey);
      if (!input) {
        copy = await downloadToTempFile({
          storage,
          key: media.storageKey,
          tempDir: deps.tempDir,
          signal: AbortSignal.any([cancel.signal, AbortSignal.timeout(deps.timeoutMs)]),
        });
        input = copy.path;
      }
      const info = await probeVideo(input);
      const base = {
        variant: variant.name,
        sourceWidth: info.width,
        sourceHeight: info.height,
        video: sourceOf(info),
      };
      let lastEventAt = 0;
      const opts = {
        threads: deps.ffmpegThreads,
        timeoutMs: deps.timeoutMs,
        signal: cancel.signal,
        onProgress: (fraction: number) => {
          job.updateProgress(Math.round(fraction * 100)).catch(() => undefined);
          if (Date.now() - lastEventAt < PROGRESS_EVENT_EVERY_MS) return;
          lastEventAt = Date.now();
          void publish({ mediaId, type: 'progress', variant: variant.name });
        },
      };
      if (variant.kind === 'ladder') {
        const prefix = renditionPrefix(mediaId, variant.name, runFolder(data.run), attemptTag(job));
        const out = await transcodeLadder({
          job,
          storage,
          input,
          info,
          prefix,
          tempRoot: deps.tempDir,
          opts,
        });
        if (cancel.signal.aborted || !(await isMediaPresent(mediaId))) {
          await storage.deletePrefix(prefix);
          throw new UnrecoverableError(DELETED);
        }
        logger.info(
          { mediaId, variant: variant.name, rungs: out.stream?.rungs.length, bytes: out.bytes },
          'video ladder rendered',
        );
        await publish({ mediaId, type: 'variant-done', variant: variant.name });
        return { ...base, ...out };
      }
      if (!shouldRenderVariant(info, variant)) {
        await job.updateProgress(100);
        return {
          ...base,
          skipped: true,
          format: 'mp4',
          mimeType: 'video/mp4',
          width: info.width,
          height: info.height,
          bytes: 0,
          storageKey: '',
        };
      }
      const out = await renderVideoVariant({ input, info, variant, tempRoot: deps.tempDir, opts });
      try {
        const storageKey = renditionKey(mediaId, variant.name, out.ext, runFolder(data.run), attemptTag(job));
        const { bytes } = await putFencedOutput({
          job,
          storage,
          key: storageKey,
          source: () => createReadStream(out.path),
        });
        // Deleted while the file was being stored: take back what was just written.
        if (cancel.signal.aborted || !(await isMediaPresent(mediaId))) {
          await storage.delete(storageKey);
          throw new UnrecoverableError(DELETED);
        }
        logger.info(
          { mediaId, variant: variant.name, width: out.width, height: out.height, bytes },
          'video variant rendered',
        );
        await publish({ mediaId, type: 'variant-done', variant: variant.name });
        const { format, mimeType, width, height, durationMs, bitrate } = out;
        return { ...base, format, mimeType, width, height, bytes, storageKey, durationMs, bitrate };
      } finally {
        await out.cleanup();
      }
    } catch (err) {
      if (err instanceof FfmpegAbortedError || cancel.signal.aborted) {
        // Shutting down: a plain error, so the job is retried (by this worker after restart or another one).
        if (cancel.signal.reason === 'shutdown')
          throw new Error('The worker stopped while processing; retrying');
        throw new UnrecoverableError(DELETED);
      }
      throw err;
    } finally {
      await copy?.cleanup();
      cancel.release();
    }
  }

  return handleJob(transcodeVideoJob, processVideoJob, { onFailedForGood: announceFailedVariant(publish) });
}

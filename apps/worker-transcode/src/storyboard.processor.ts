import { createReadStream } from 'node:fs';
import { renderStoryboard } from '@fjord/media';
import {
  handleJob,
  safePublish,
  storyboardVideoJob,
  STORYBOARD_IMAGE_RENDITION,
  STORYBOARD_VTT_RENDITION,
  UnrecoverableError,
  type Job,
  type TranscodeJobData,
  type TranscodeJobResult,
} from '@fjord/queue';
import {
  announceFailedVariant,
  DELETED,
  isMediaGone,
  openMedia,
  putRunFile,
  sourceOf,
  withVideoInput,
  type VideoProcessorDeps,
} from './transcode-shared';

/**
 * The scrub preview of one video: a JPEG sprite of tiles and the WebVTT that maps time ranges to them
 * (docs/adr/0017). Same containment and fencing as a rung: probe first, ffmpeg under limits, each file
 * under this attempt's own key, nothing kept once the lock or the media is gone. The VTT names the sprite
 * by its rendition name, relative, so it resolves beside the VTT under whatever prefix serves both.
 */
export function createStoryboardProcessor(deps: VideoProcessorDeps) {
  const { db, storage, logger } = deps;
  const publish = safePublish(deps.events, logger);

  async function processStoryboardJob(data: TranscodeJobData, job: Job): Promise<TranscodeJobResult> {
    const { mediaId } = data;
    const { storageKey: original } = await openMedia({ db, publish }, data);
    const written: string[] = [];
    return withVideoInput(deps, { mediaId, storageKey: original }, async (input, signal) => {
      try {
        const info = await deps.probeOriginal(original, input);
        const out = await renderStoryboard({
          input,
          info,
          imageUri: STORYBOARD_IMAGE_RENDITION,
          tempRoot: deps.tempDir,
          opts: {
            threads: deps.ffmpegThreads,
            timeoutMs: deps.timeoutMs,
            signal,
            onProgress: (fraction) =>
              void job.updateProgress(Math.round(fraction * 100)).catch(() => undefined),
          },
        });
        try {
          const put = async (variant: string, ext: string, path: string) => {
            const file = await putRunFile(
              { job, data, storage },
              { variant, ext, source: () => createReadStream(path) },
            );
            written.push(file.storageKey);
            return file;
          };
          const sprite = await put(STORYBOARD_IMAGE_RENDITION, 'jpg', out.sprite.path);
          const vtt = await put(STORYBOARD_VTT_RENDITION, 'vtt', out.vtt.path);
          if (await isMediaGone(db, mediaId, signal)) throw new UnrecoverableError(DELETED);
          const { width, height } = out.sprite;
          logger.info({ mediaId, tiles: out.layout.tiles, width, height }, 'storyboard rendered');
          await publish({ mediaId, type: 'variant-done', variant: STORYBOARD_IMAGE_RENDITION });
          return {
            variant: STORYBOARD_IMAGE_RENDITION,
            format: 'jpeg',
            mimeType: 'image/jpeg',
            width,
            height,
            bytes: sprite.bytes,
            storageKey: sprite.storageKey,
            sourceWidth: info.width,
            sourceHeight: info.height,
            durationMs: info.durationMs,
            video: sourceOf(info),
            alsoRendered: [
              {
                variant: STORYBOARD_VTT_RENDITION,
                format: 'vtt',
                mimeType: 'text/vtt; charset=utf-8',
                width,
                height,
                bytes: vtt.bytes,
                storageKey: vtt.storageKey,
              },
            ],
          };
        } finally {
          await out.cleanup();
        }
      } catch (err) {
        // Taken back: a failed or cancelled attempt leaves no file (the accepted attempt writes its own keys).
        for (const key of written) {
          await storage
            .delete(key)
            .catch((e: unknown) => logger.warn({ err: e, mediaId, key }, 'cleanup failed'));
        }
        throw err;
      }
    });
  }

  return handleJob(storyboardVideoJob, processStoryboardJob, {
    onFailedForGood: announceFailedVariant(publish),
  });
}

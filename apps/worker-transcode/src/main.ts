import { getConfig } from '@fjord/config';
import { createDbClient, isDatabaseReachable } from '@fjord/db';
import { createImageCache } from '@fjord/ingest';
import { configureSharp, imageLimitsOf } from '@fjord/media';
import { createLogger, startTracing } from '@fjord/observability';
import {
  QueueName,
  closeRedis,
  createMediaEventPublisher,
  createRedis,
  waitUntilReady,
  createMediaEventSubscriber,
  observeTranscodeJob,
  runWorker,
} from '@fjord/queue';
import { createBlobStore } from '@fjord/storage';
import { createCancelRegistry } from './cancel-registry';
import { isIsolatedRenderChild, serveIsolatedRender } from './isolated-render';
import { createRenderPresetsProcessor } from './render-presets.processor';
import { createStoryboardProcessor } from './storyboard.processor';
import { createTranscodeProcessor } from './transcode-image.processor';
import { createVideoTranscodeProcessor } from './transcode-video.processor';
import { createVideoProbeCache } from './video-probe-cache';

// A suspect image job's render in a child process of its own (isolated-render.ts): no worker here.
if (isIsolatedRenderChild()) serveIsolatedRender();
else await startWorker();

async function startWorker() {
  const config = getConfig();
  const logger = createLogger({ service: 'worker-transcode', level: config.LOG_LEVEL });
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed last on shutdown (ADR 0022).
  const tracing = startTracing(config, { service: 'worker-transcode' });
  // Worker concurrency × libvips threads should match the cores (docs/performance.md).
  configureSharp({ concurrency: config.sharpConcurrency });

  const db = createDbClient({ url: config.DATABASE_URL, max: config.TRANSCODE_CONCURRENCY + 2 });
  const storage = createBlobStore(config, {
    onWarning: (message, err) => logger.warn({ err }, message),
  });
  const events = createMediaEventPublisher(config, { logger });
  const cancels = createCancelRegistry();
  // A deleted media stops its ffmpeg here within moments (the web app announces the delete).
  const subscriber = createMediaEventSubscriber(config, { logger });
  subscriber.subscribe('*', (event) => {
    if (event.type === 'deleted' && cancels.cancel(event.mediaId) > 0) {
      logger.info({ mediaId: event.mediaId }, 'media deleted while processing: stopped its jobs');
    }
  });
  await subscriber.ready();

  const ffmpeg = {
    cancels,
    ffmpegThreads: config.ffmpegThreads,
    timeoutMs: config.VIDEO_TIMEOUT_MS,
    tempDir: config.transcodeTempDir,
  };
  // The decode lease's connection: replicas share one HEIC/JPEG XL decode per media (ADR 0023).
  const leaseRedis = createRedis(config, 'producer', logger);
  // A producer connection fails fast until it is ready: the first jobs would each decode without the lease.
  await waitUntilReady(leaseRedis, 10_000).catch((err: unknown) =>
    logger.warn({ err }, 'the decode lease connection is not ready; decoding without it until it is'),
  );
  const eager = {
    cache: createImageCache({
      db,
      storage,
      maxBytes: config.IMAGE_CACHE_MAX_BYTES,
      logger,
      leases: { redis: leaseRedis, prefix: config.QUEUE_PREFIX },
    }),
    limits: imageLimitsOf(config),
  };
  const image = createTranscodeProcessor({
    db,
    storage,
    events,
    logger,
    avifEffort: config.AVIF_EFFORT,
    isolateAfterStalls: config.JOB_ISOLATE_AFTER_STALLS,
    video: ffmpeg,
    animatedMp4MinFrames: config.ANIMATED_MP4_MIN_FRAMES,
    eager,
  });
  // Bulk "eager presets only" (docs/adr/0027): no transcode metrics, it renders no rendition.
  const presets = createRenderPresetsProcessor({
    db,
    storage,
    logger,
    avifEffort: config.AVIF_EFFORT,
    isolateAfterStalls: config.JOB_ISOLATE_AFTER_STALLS,
    eager,
  });
  const videoDeps = { db, storage, events, logger, ...ffmpeg, probeOriginal: createVideoProbeCache() };
  const video = createVideoTranscodeProcessor(videoDeps);
  const storyboard = createStoryboardProcessor(videoDeps);

  // Bytes in per variant: the original's size, one primary-key read per finished variant.
  const sourceBytes = async (id: string) => {
    const media = await db.media.findUnique({ where: { id }, select: { sizeBytes: true } });
    return media ? Number(media.sizeBytes) : null;
  };

  await runWorker({
    queueName: QueueName.transcode,
    processor: [
      ...[image, video, storyboard].map((handler) => observeTranscodeJob(handler, { sourceBytes })),
      presets,
    ],
    concurrency: config.TRANSCODE_CONCURRENCY,
    config,
    logger,
    healthPort: config.HEALTH_PORT ?? 9101,
    isDependencyReady: () => isDatabaseReachable(db),
    // A long ffmpeg run must not hold up a shutdown: stop it, the job is retried.
    onClosing: () => cancels.cancelAll('shutdown'),
    onClose: async () => {
      await subscriber.close();
      await events.close();
      await closeRedis(leaseRedis);
      await db.$disconnect();
      await tracing.shutdown();
    },
  });
}

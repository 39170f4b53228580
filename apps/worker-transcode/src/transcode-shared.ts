import type { MediaEventPublisher, QueueLogger, TranscodeJobData } from '@fjord/queue';

export type Publish = MediaEventPublisher['publish'];

/** Live events are best effort: a lost one costs the page a refresh, never the job. */
export function safePublish(events: Pick<MediaEventPublisher, 'publish'>, logger: QueueLogger): Publish {
  return (event) =>
    events
      .publish(event)
      .catch((err: unknown) => logger.warn({ err, mediaId: event.mediaId }, 'publish failed'));
}

/** The hook runWorker calls once a transcode job has failed for good. */
export function announceFailedVariant(publish: Publish) {
  return async (data: TranscodeJobData) => {
    await publish({ mediaId: data.mediaId, type: 'variant-failed', variant: data.variant });
  };
}

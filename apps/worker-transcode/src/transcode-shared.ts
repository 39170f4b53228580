import {
  UnrecoverableError,
  assertJobLockHeld,
  isJobLockHeld,
  JobLockLostError,
  type Job,
  type MediaEventPublisher,
  type QueueLogger,
  type TranscodeJobData,
} from '@fjord/queue';
import type { BlobSource, BlobStore, PutResult } from '@fjord/storage';

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

/**
 * Stores one attempt's output, fenced (docs/adr/0014-fenced-job-attempts.md): the key is this attempt's
 * own (renditionKey with attemptTag), nothing is written once another worker owns the job, and a write
 * that lost the lock meanwhile is taken back, so a worker woken past its lock leaves no file behind.
 */
export async function putFencedOutput(input: {
  job: Job;
  storage: Pick<BlobStore, 'put' | 'delete'>;
  key: string;
  source: () => BlobSource;
}): Promise<PutResult> {
  const { job, storage, key } = input;
  await assertJobLockHeld(job);
  const stored = await storage.put(key, input.source());
  if (!(await isJobLockHeld(job))) {
    await storage.delete(key).catch(() => undefined);
    throw new JobLockLostError(job.id);
  }
  return stored;
}

/**
 * What a transcode job throws when its ffmpeg was stopped: on shutdown a plain error (retried by this or
 * another worker), on a delete a final one. null when `err` is not an abort.
 */
export function abortedRunError(err: unknown, signal: AbortSignal, isAbortError: boolean): Error | null {
  if (!isAbortError && !signal.aborted) return null;
  return signal.reason === 'shutdown'
    ? new Error('The worker stopped while processing; retrying')
    : new UnrecoverableError('The media was deleted while it was processed');
}

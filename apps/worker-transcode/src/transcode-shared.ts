import {
  safePublish,
  writeFenced,
  UnrecoverableError,
  type Job,
  type MediaEventPublisher,
  type TranscodeJobData,
} from '@fjord/queue';
import type { BlobSource, BlobStore, PutResult } from '@fjord/storage';

// The video processor imports it from here (it moved to @fjord/queue for every worker).
export { safePublish };
export type Publish = MediaEventPublisher['publish'];

/** The hook runWorker calls once a transcode job has failed for good. */
export function announceFailedVariant(publish: Publish) {
  return async (data: TranscodeJobData) => {
    await publish({ mediaId: data.mediaId, type: 'variant-failed', variant: data.variant });
  };
}

/** Stores one attempt's output under its own key (renditionKey with attemptTag), fenced: writeFenced. */
export function putFencedOutput(input: {
  job: Job;
  storage: Pick<BlobStore, 'put' | 'delete'>;
  key: string;
  source: () => BlobSource;
}): Promise<PutResult> {
  const { job, storage, key } = input;
  return writeFenced(
    job,
    () => storage.put(key, input.source()),
    () => storage.delete(key),
  );
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

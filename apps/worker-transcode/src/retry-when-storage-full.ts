import { DelayedError, appendJobLog, type JobProcessor, type QueueLogger } from '@fjord/queue';
import { isStorageFullError } from '@fjord/storage';

/** However long the disk stays full, the job looks again at least this often. */
export const STORAGE_FULL_MAX_DELAY_MS = 60_000;

/** The wait before run `waits + 1`: `baseMs`, doubling, capped at `maxMs`. */
export function storageFullDelayMs(waits: number, baseMs: number, maxMs = STORAGE_FULL_MAX_DELAY_MS): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, waits), 20));
}

/**
 * A full disk (a rendition or temp file that cannot be written) is the machine's fault, not the file's:
 * the job goes back to the delayed set and runs again after a backoff, without spending one of its
 * attempts, for as long as the disk stays full. The media stays PROCESSING and ends READY once there is
 * room. Any other error passes through unchanged, to the processor's own retry rules.
 */
export function retryWhenStorageFull<R>(
  processor: JobProcessor<R>,
  deps: { baseDelayMs: number; logger: QueueLogger },
): JobProcessor<R> {
  return async (job) => {
    try {
      return await processor(job);
    } catch (err) {
      if (!isStorageFullError(err) || !job.token) throw err;
      // Runs so far minus failed attempts: how many times this job already waited for space.
      const waits = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
      const delayMs = storageFullDelayMs(waits, deps.baseDelayMs);
      const mediaId = (job.data as { mediaId?: unknown } | undefined)?.mediaId;
      deps.logger.warn(
        { err, jobId: job.id, mediaId, delayMs, waits: waits + 1 },
        'storage is full: the job waits for space (no attempt spent)',
      );
      await appendJobLog(job, `storage full: waiting ${delayMs} ms for space (wait ${waits + 1})`);
      await job.moveToDelayed(Date.now() + delayMs, job.token);
      throw new DelayedError();
    }
  };
}

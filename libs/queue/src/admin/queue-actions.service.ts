import type { Queue } from 'bullmq';
import { findJob } from './queue-jobs.service';

export type ActionResult = { changed: boolean; state: string; message: string };

const CLEAN_BATCH = 1_000;
const CLEAN_MAX_BATCHES = 200;

/** Moves a failed job back to waiting (attempts counted from zero). A job in any other state is left alone. */
export async function retryFailedJob(queues: readonly Queue[], jobId: string): Promise<ActionResult | null> {
  const hit = await findJob(queues, jobId);
  if (!hit) return null;
  if (hit.state !== 'failed') {
    return {
      changed: false,
      state: hit.state,
      message: `The job is ${hit.state}, not failed: nothing to retry.`,
    };
  }
  await hit.job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  return { changed: true, state: 'waiting', message: 'The job is waiting to run again.' };
}

/** Removes a job (and the children it still has). An active job is locked by its worker and refused. */
export async function removeJob(queues: readonly Queue[], jobId: string): Promise<ActionResult> {
  const hit = await findJob(queues, jobId);
  if (!hit) return { changed: false, state: 'missing', message: 'The job was already gone.' };
  if (hit.state === 'active') {
    return { changed: false, state: 'active', message: 'The job is running; wait for it to finish first.' };
  }
  await hit.job.remove();
  return { changed: true, state: 'removed', message: 'The job was removed.' };
}

/** Runs a delayed job now. */
export async function promoteJob(queues: readonly Queue[], jobId: string): Promise<ActionResult | null> {
  const hit = await findJob(queues, jobId);
  if (!hit) return null;
  if (hit.state !== 'delayed') {
    return { changed: false, state: hit.state, message: `The job is ${hit.state}, not delayed.` };
  }
  await hit.job.promote();
  return { changed: true, state: 'waiting', message: 'The job is waiting to run now.' };
}

export async function setQueuePaused(queue: Queue, isPaused: boolean): Promise<ActionResult> {
  const was = await queue.isPaused();
  if (was !== isPaused) await (isPaused ? queue.pause() : queue.resume());
  const state = isPaused ? 'paused' : 'running';
  return {
    changed: was !== isPaused,
    state,
    message: was === isPaused ? `The queue was already ${state}.` : `The queue is now ${state}.`,
  };
}

/** Deletes completed or failed jobs that finished more than `olderThanMs` ago, in batches. */
export async function cleanQueue(
  queue: Queue,
  input: { state: 'completed' | 'failed'; olderThanMs: number },
): Promise<{ removed: number }> {
  let removed = 0;
  for (let i = 0; i < CLEAN_MAX_BATCHES; i++) {
    const ids = await queue.clean(input.olderThanMs, CLEAN_BATCH, input.state);
    removed += ids.length;
    if (ids.length < CLEAN_BATCH) break;
  }
  return { removed };
}

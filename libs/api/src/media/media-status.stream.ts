import { tracked } from '@trpc/server';
import type { ApiServices } from '../services';
import { getMediaStatusSnapshot, isFinalStatus } from './media-status.service';

// Pub/sub is fire-and-forget: a missed event must only delay an update, never freeze the page.
const SAFETY_POLL_MS = 5_000;

function createWakeup() {
  let isPending = false;
  let resolve: (() => void) | undefined;
  return {
    wake() {
      isPending = true;
      resolve?.();
    },
    wait(signal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
      if (isPending || signal?.aborted) {
        isPending = false;
        return Promise.resolve();
      }
      return new Promise((done) => {
        const finish = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', finish);
          resolve = undefined;
          isPending = false;
          done();
        };
        const timer = setTimeout(finish, timeoutMs);
        signal?.addEventListener('abort', finish, { once: true });
        resolve = finish;
      });
    },
  };
}

/**
 * Yields the current state first, then every change, until READY or FAILED. Each event is only a hint
 * to re-read: Postgres stays the source of truth, so duplicated or reordered events cannot mislead.
 */
export async function* streamMediaStatus(deps: {
  services: Pick<ApiServices, 'db' | 'queues' | 'events'>;
  mediaId: string;
  signal: AbortSignal | undefined;
}) {
  const { services, mediaId, signal } = deps;
  const wakeup = createWakeup();
  const unsubscribe = services.events.subscribe(mediaId, () => wakeup.wake());
  let previous = '';
  let seq = 0;
  try {
    while (!signal?.aborted) {
      const snapshot = await getMediaStatusSnapshot({ db: services.db, queues: services.queues, mediaId });
      if (!snapshot) return;
      const key = JSON.stringify(snapshot);
      if (key !== previous) {
        previous = key;
        seq += 1;
        yield tracked(`${Date.now()}-${seq}`, snapshot);
      }
      if (isFinalStatus(snapshot.status)) return;
      await wakeup.wait(signal, SAFETY_POLL_MS);
    }
  } finally {
    unsubscribe();
  }
}

import { AppError } from '@fjord/errors';

/**
 * Bounds the CPU one process spends on transforms: at most `concurrency` renders at once, at most `queue`
 * waiting; past that the caller is refused at once (503 + Retry-After) instead of piling up work. Renders
 * of the same key share one run (single-flight): a burst of misses for one URL costs one render.
 */
export function createRenderGate(opts: { concurrency: number; queue: number; retryAfterSeconds?: number }) {
  let running = 0;
  const waiting: Array<() => void> = [];
  const inFlight = new Map<string, Promise<unknown>>();

  async function acquire(): Promise<void> {
    if (running < opts.concurrency) {
      running++;
      return;
    }
    if (waiting.length >= opts.queue) {
      throw new AppError('unavailable', 'Too many images are being rendered right now; retry in a moment.', {
        retryAfterSeconds: opts.retryAfterSeconds ?? 1,
      });
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }

  /** Runs `work` in a render slot (or waits for one, or is refused past the queue). */
  async function limit<T>(work: () => Promise<T>): Promise<T> {
    await acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Calls for a key while one is running share its result (no slot is taken by this alone). */
  function flight<T>(key: string, work: () => Promise<T>): Promise<T> {
    const existing = inFlight.get(key);
    if (existing) return existing as Promise<T>;
    const promise = work().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  return {
    run: <T>(key: string, render: () => Promise<T>): Promise<T> => flight(key, () => limit(render)),
    flight,
    limit,
    stats: () => ({ running, waiting: waiting.length, keys: inFlight.size }),
  };
}

export type RenderGate = ReturnType<typeof createRenderGate>;

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { claimLease, finishLease, holdLease, releaseLease } from './redis-lease';

/** The one Redis command a lease needs. */
export type LeaseRedis = Pick<Redis, 'eval'>;

/** What `produce` made, and its write: true once `lookup` will find it, false if it never will. */
export type Produced<T> = { value: T; stored: Promise<boolean> };

export type OnceAcrossProcessesOptions<T> = {
  redis: LeaseRedis;
  /** The lease's key (one per result: `imageRenderLockKey(prefix, cacheKey)`). */
  lockKey: string;
  /** Looks for the stored result. */
  lookup: () => Promise<T | null>;
  /** Makes the result; its write may run behind the answer (the lease is held until it is done). */
  produce: () => Promise<Produced<T>>;
  /** Waited this long for another holder: the caller decides (a 503, or produce anyway). */
  waitedTooLong: () => Promise<Produced<T>>;
  /** Redis away: produce here (the lease saves CPU, the answer does not depend on it). */
  onLeaseUnavailable: (err: unknown) => void;
  leaseMs?: number;
  doneMs?: number;
  pollMs?: number;
  waitMs?: number;
};

/**
 * Work done once across processes (ADR 0020's render lease; the kept decode of ADR 0023): the process that
 * claims the lease produces, renewing it every third of `leaseMs`, and marks it done for `doneMs` once the
 * result is stored (freed if the write failed); the others poll `lookup`, and claim the lease themselves if
 * it is freed without a result (the holder failed or died: the lease runs out). A claim that finds it done
 * looks again (stored between the caller's own lookup and its claim); gone again (evicted), it claims past
 * the mark. The caller looks once before calling, so a hit never touches Redis.
 */
export async function onceAcrossProcesses<T>(opts: OnceAcrossProcessesOptions<T>): Promise<Produced<T>> {
  const { redis, lockKey, leaseMs = 30_000, doneMs = 60_000, pollMs = 100, waitMs = 60_000 } = opts;
  const owner = randomUUID();
  const giveUpAt = Date.now() + waitMs;
  let takeDone = false;
  for (;;) {
    let claim: Awaited<ReturnType<typeof claimLease>>;
    try {
      claim = await claimLease(redis, lockKey, owner, leaseMs, { takeDone });
      takeDone = false; // past one done mark only: a later one may be a fresh result
    } catch (err) {
      opts.onLeaseUnavailable(err);
      return opts.produce();
    }
    if (claim === 'held') {
      const renew = setInterval(() => {
        void holdLease(redis, lockKey, owner, leaseMs).catch(() => undefined);
      }, leaseMs / 3);
      renew.unref();
      const giveBack = async (stored: boolean) => {
        clearInterval(renew);
        await (
          stored ? finishLease(redis, lockKey, owner, doneMs) : releaseLease(redis, lockKey, owner)
        ).catch(() => undefined);
        return stored;
      };
      const made = await opts.produce().catch(async (err: unknown) => {
        await giveBack(false);
        throw err;
      });
      return { value: made.value, stored: made.stored.catch(() => false).then(giveBack) };
    }
    if (claim === 'busy') await sleep(pollMs);
    const found = await opts.lookup();
    if (found !== null) return { value: found, stored: Promise.resolve(true) };
    if (claim === 'done') takeDone = true;
    if (Date.now() > giveUpAt) return opts.waitedTooLong();
  }
}

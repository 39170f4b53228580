import { randomUUID } from 'node:crypto';
import { AppError } from '@fjord/errors';
import { bulkReprocessLeaseKey, holdLease, releaseLease, type Queues } from '@fjord/queue';

/** A run renews its lease every third of it, so only a dead run (crash, kill) loses it: in a minute. */
const LEASE_MS = 60_000;

export type BulkReprocessLease = {
  /** Renews when a third of the lease has passed; AppError conflict if another run holds it now. */
  keep(): Promise<void>;
  release(): Promise<void>;
};

export type BulkReprocessLeaseDeps = { queues: Pick<Queues, 'connection'>; prefix: string };

/**
 * Takes the bulk-run lease in Redis, so one bulk reprocess goes at a time across the web processes and
 * the CLI — whatever its preset: every run re-runs whole flows, so two runs (of one preset or of two)
 * would queue every image twice. Refused with AppError conflict, naming the running preset.
 */
export async function acquireBulkReprocessLease(
  deps: BulkReprocessLeaseDeps,
  preset: string,
): Promise<BulkReprocessLease> {
  const redis = deps.queues.connection;
  const key = bulkReprocessLeaseKey(deps.prefix);
  // The holder's preset rides in the token, for the refusal's sentence.
  const owner = `${preset} ${randomUUID()}`;
  const busy = async () => {
    const running = (await redis.get(key))?.split(' ')[0] ?? preset;
    return new AppError(
      'conflict',
      `A bulk reprocess (preset "${running}") is already running; wait for it to end ` +
        `(a run that died frees it within ${LEASE_MS / 60_000} minute).`,
    );
  };
  if (!(await holdLease(redis, key, owner, LEASE_MS))) throw await busy();
  let renewedAt = Date.now();
  return {
    async keep() {
      if (Date.now() - renewedAt < LEASE_MS / 3) return;
      // Lapsed (this process stalled past it) and taken by another run: stop rather than double its work.
      if (!(await holdLease(redis, key, owner, LEASE_MS))) throw await busy();
      renewedAt = Date.now();
    },
    release: () => releaseLease(redis, key, owner),
  };
}

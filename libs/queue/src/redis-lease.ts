import type { Redis } from 'ioredis';

/** Renews the lease if `owner` holds it, else takes it when free: 1 when held afterwards, 0 when not. */
const LEASE_SCRIPT = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/** Takes or renews a Redis lease (a key holding the owner's token, expiring after `ms` unless renewed). */
export async function holdLease(redis: Pick<Redis, 'eval'>, key: string, owner: string, ms: number) {
  return (await redis.eval(LEASE_SCRIPT, 1, key, owner, String(ms))) === 1;
}

/** Gives a lease back at once if `owner` still holds it (never deletes another holder's). */
export async function releaseLease(redis: Pick<Redis, 'eval'>, key: string, owner: string): Promise<void> {
  await redis.eval(RELEASE_SCRIPT, 1, key, owner);
}

/**
 * A lease for work done once (ADR 0020's render lease): as holdLease, but a holder that finished leaves
 * `done` in the key for a while instead of freeing it, so a caller that looked for the result just before
 * it existed learns that it exists now without asking the database twice on every first claim.
 * `held` (taken or renewed), `busy` (another holder), `done` (finished; look for the result). With
 * `takeDone`, a done mark counts as free (the result was looked for and is gone again).
 */
const CLAIM_SCRIPT = `
local v = redis.call('get', KEYS[1])
if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 'held' end
if v == ARGV[3] and ARGV[4] ~= '1' then return 'done' end
if v == false or v == ARGV[3] then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'held' end
return 'busy'`;
const FINISH_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return 0`;

export const LEASE_DONE = 'done';

export async function claimLease(
  redis: Pick<Redis, 'eval'>,
  key: string,
  owner: string,
  ms: number,
  { takeDone = false }: { takeDone?: boolean } = {},
): Promise<'held' | 'busy' | 'done'> {
  return (await redis.eval(CLAIM_SCRIPT, 1, key, owner, String(ms), LEASE_DONE, takeDone ? '1' : '0')) as
    'held' | 'busy' | 'done';
}

/** The holder is done: the key says so for `doneMs` (never overwriting another holder's lease). */
export async function finishLease(redis: Pick<Redis, 'eval'>, key: string, owner: string, doneMs: number) {
  await redis.eval(FINISH_SCRIPT, 1, key, owner, LEASE_DONE, String(doneMs));
}

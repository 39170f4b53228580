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

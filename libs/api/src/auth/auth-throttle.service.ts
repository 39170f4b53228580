import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '@fjord/config';
import { AppError } from '@fjord/errors';
import { authThrottleKey, waitUntilReady } from '@fjord/queue';
import { normalizeEmail } from '@fjord/auth';
import { createRateLimiter } from '../rest/rate-limit.service';

export type AuthAction = 'signin' | 'signup';

/**
 * Attempts per account in a fixed window that starts with the first one. Counted before the password is
 * checked (atomic, so parallel requests from many IPs cannot overshoot) and cleared by a success; the
 * window never extends, so a lockout ends AUTH_ACCOUNT_WINDOW_SECONDS after the first counted attempt.
 */
const COUNT_ATTEMPT_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { n, ttl }
`;

type ThrottleConfig = Pick<
  Config,
  | 'QUEUE_PREFIX'
  | 'AUTH_IP_ATTEMPTS'
  | 'AUTH_IP_WINDOW_SECONDS'
  | 'AUTH_ACCOUNT_FAILURES'
  | 'AUTH_ACCOUNT_WINDOW_SECONDS'
>;

function humanWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

function rateLimited(what: string, retryAfterSeconds: number): AppError {
  return new AppError('rate_limited', `${what} Please try again in ${humanWait(retryAfterSeconds)}.`, {
    retryAfterSeconds,
  });
}

function accountSubject(email: string): string {
  return createHash('sha256').update(normalizeEmail(email)).digest('hex');
}

/**
 * Throttles auth.signIn and auth.signUp per client IP (token bucket) and per account (attempt counter),
 * in Redis under QUEUE_PREFIX so every web replica shares the counts. Throws AppError rate_limited with
 * `details.retryAfterSeconds`; a Redis failure propagates (fail closed: no unthrottled password guessing).
 */
export function createAuthThrottle(deps: { redis: Redis; config: ThrottleConfig }) {
  const { redis, config } = deps;
  // The producer connection has no offline queue: wait briefly for it (boot, reconnect) instead of failing.
  const ready = () => (redis.status === 'ready' ? Promise.resolve() : waitUntilReady(redis, 2_000));
  const prefix = config.QUEUE_PREFIX;
  const ipLimiter = (scope: 'signin-ip' | 'signup-ip') =>
    createRateLimiter({
      redis,
      prefix,
      limit: config.AUTH_IP_ATTEMPTS,
      windowSeconds: config.AUTH_IP_WINDOW_SECONDS,
      key: (p, subject) => authThrottleKey(p, scope, subject),
    });
  const byIp = { signin: ipLimiter('signin-ip'), signup: ipLimiter('signup-ip') };
  const accountKey = (action: AuthAction, email: string) =>
    authThrottleKey(prefix, action === 'signin' ? 'signin-account' : 'signup-account', accountSubject(email));

  return {
    /** Counts one attempt for this IP and this account; throws when either is over its limit. */
    async consumeAttempt(opts: { action: AuthAction; ip: string; email: string }): Promise<void> {
      await ready();
      const ip = await byIp[opts.action](opts.ip);
      if (!ip.isAllowed) {
        throw rateLimited(
          `Too many ${opts.action === 'signin' ? 'sign-in' : 'sign-up'} attempts from your network.`,
          Number(ip.headers['Retry-After'] ?? 60),
        );
      }
      const [count, ttlMs] = (await redis.eval(
        COUNT_ATTEMPT_LUA,
        1,
        accountKey(opts.action, opts.email),
        config.AUTH_ACCOUNT_WINDOW_SECONDS * 1000,
      )) as [number, number];
      if (count > config.AUTH_ACCOUNT_FAILURES) {
        throw rateLimited(
          opts.action === 'signin'
            ? 'Too many failed sign-ins for this account, so it is locked for a while.'
            : 'Too many sign-up attempts for this email address.',
          Math.max(1, Math.ceil(ttlMs / 1000)),
        );
      }
    },
    /** A successful sign-in: the account's failures no longer count. */
    async clearAccount(opts: { action: AuthAction; email: string }): Promise<void> {
      await ready();
      await redis.del(accountKey(opts.action, opts.email));
    },
  };
}

export type AuthThrottle = ReturnType<typeof createAuthThrottle>;

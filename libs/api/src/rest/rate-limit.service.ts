import type { Redis } from 'ioredis';
import { rateLimitKey } from '@fjord/queue';

/**
 * Token bucket per key, in one Lua script so concurrent requests on any number of web replicas never
 * race; Redis's clock (TIME) is the only clock. Returns {allowed, tokens left, ms to one token, ms to full}.
 */
const TOKEN_BUCKET_LUA = `
local capacity = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = capacity / window_ms
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], window_ms)
local retry_ms = 0
if allowed == 0 then retry_ms = math.ceil((1 - tokens) / rate) end
return { allowed, math.floor(tokens), retry_ms, math.ceil((capacity - tokens) / rate) }
`;

export type RateLimitResult = { isAllowed: boolean; headers: Record<string, string> };

export function createRateLimiter(deps: {
  redis: Pick<Redis, 'eval'>;
  prefix: string;
  limit: number;
  windowSeconds: number;
  /** The bucket's Redis key for a subject (a builder from redis-keys); default: the API key's bucket. */
  key?: (prefix: string, subject: string) => string;
}) {
  const keyOf = deps.key ?? rateLimitKey;
  return async function consume(subject: string): Promise<RateLimitResult> {
    const reply = (await deps.redis.eval(
      TOKEN_BUCKET_LUA,
      1,
      keyOf(deps.prefix, subject),
      deps.limit,
      deps.windowSeconds * 1000,
    )) as [number, number, number, number];
    const [allowed, remaining, retryMs, fullMs] = reply;
    const headers: Record<string, string> = {
      'RateLimit-Limit': String(deps.limit),
      'RateLimit-Remaining': String(remaining),
      'RateLimit-Reset': String(Math.ceil((allowed ? fullMs : retryMs) / 1000)),
      'RateLimit-Policy': `${deps.limit};w=${deps.windowSeconds}`,
    };
    if (!allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil(retryMs / 1000)));
    return { isAllowed: allowed === 1, headers };
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

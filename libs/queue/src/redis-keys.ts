import { QueueKeys } from 'bullmq';

/**
 * Every Redis key and channel Fjord owns is built here, under QUEUE_PREFIX. On Redis Cluster the prefix
 * is written as a hash tag (`{fjord}`): Redis hashes only what is inside the first `{…}` of a key, so
 * every queue's keys, the rate-limit buckets and the events channel share one slot — which BullMQ needs,
 * because a flow (transcode → db → email) moves jobs between queues in single Lua scripts.
 */
export function redisKey(prefix: string, ...parts: string[]): string {
  if (parts.length === 0) throw new Error('redisKey needs at least one part after the prefix');
  return [prefix, ...parts].join(':');
}

/** Redis pub/sub channel on which workers announce media changes (status, progress). */
export function mediaEventsChannel(prefix: string): string {
  return redisKey(prefix, 'events', 'media');
}

/** A finished resumable upload's outcome (owner, media id), kept a day so a lost final response is not. */
export function finishedUploadKey(prefix: string, uploadId: string): string {
  return redisKey(prefix, 'tus', 'finished', uploadId);
}

/** The cross-process render lease of one /img cache key (libs/http image transforms, ADR 0020). */
export function imageRenderLockKey(prefix: string, cacheKey: string): string {
  return redisKey(prefix, 'img-render', cacheKey);
}

/** The lease that lets one bulk reprocess run at a time, whatever its preset, deployment-wide (ADR 0027). */
export function bulkReprocessLeaseKey(prefix: string): string {
  return redisKey(prefix, 'bulk-reprocess');
}

/** The token bucket of one API key (libs/api rate limiter). */
export function rateLimitKey(prefix: string, subject: string): string {
  return redisKey(prefix, 'ratelimit', subject);
}

/**
 * A sign-in/sign-up throttle (libs/api auth throttle): a token bucket per client IP (`signin-ip`,
 * `signup-ip`; subject the IP) or an attempt counter per account (`signin-account`, `signup-account`;
 * subject the sha256 of the email, so no address sits in Redis).
 */
export type AuthThrottleScope = 'signin-ip' | 'signup-ip' | 'signin-account' | 'signup-account';
export function authThrottleKey(prefix: string, scope: AuthThrottleScope, subject: string): string {
  return redisKey(prefix, 'auth-throttle', scope, subject);
}

/** The keys BullMQ itself writes for one queue under this prefix (`<prefix>:<queue>:<type>`). */
export function bullQueueKeys(prefix: string, queueName: string): string[] {
  return Object.values(new QueueKeys(prefix).getKeys(queueName));
}

/**
 * The part of a key Redis Cluster hashes: the content of the first `{…}` when it is non-empty,
 * else the whole key (the rule in the Redis Cluster specification, "Hash tags").
 */
export function clusterHashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

/** True when the prefix starts with a hash tag, so every key built from it hashes to one slot. */
export function isClusterSafePrefix(prefix: string): boolean {
  return prefix.startsWith('{') && clusterHashTag(prefix) !== prefix;
}

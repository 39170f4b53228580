import { describe, expect, it } from 'vitest';
import { parseConfig } from '@fjord/config';
import { QueueName } from './contracts';
import {
  authThrottleKey,
  bulkReprocessLeaseKey,
  bullQueueKeys,
  clusterHashTag,
  finishedUploadKey,
  isClusterSafePrefix,
  mediaEventsChannel,
  rateLimitKey,
  redisKey,
} from './redis-keys';

/** Every key builder Fjord has, applied to one prefix. A new builder belongs in this list. */
function everyKey(prefix: string): string[] {
  return [
    mediaEventsChannel(prefix),
    rateLimitKey(prefix, 'fjk_abc123'),
    authThrottleKey(prefix, 'signin-ip', '2001:db8::1'),
    authThrottleKey(prefix, 'signin-account', 'ab12'),
    authThrottleKey(prefix, 'signup-ip', '203.0.113.9'),
    authThrottleKey(prefix, 'signup-account', 'cd34'),
    finishedUploadKey(prefix, '0f1e2d3c4b5a'),
    bulkReprocessLeaseKey(prefix),
    redisKey(prefix, 'anything', 'else'),
    ...Object.values(QueueName).flatMap((queue) => bullQueueKeys(prefix, queue)),
  ];
}

describe('Redis keys under QUEUE_PREFIX', () => {
  it('with a hash-tag prefix, every key starts with that tag and hashes on it alone (one Cluster slot)', () => {
    const prefix = '{fjord}';
    const keys = everyKey(prefix);
    expect(keys.length).toBeGreaterThan(5 * 19); // every queue's BullMQ keys are in the list
    for (const key of keys) {
      expect(key.startsWith('{fjord}:')).toBe(true);
      expect(clusterHashTag(key)).toBe('fjord');
    }
    expect(isClusterSafePrefix(prefix)).toBe(true);
  });

  it('a tag followed by more characters still hashes on the tag', () => {
    for (const key of everyKey('{fjord-eu}prod')) expect(clusterHashTag(key)).toBe('fjord-eu');
  });

  it('without a tag, keys spread over slots by their full name (fine on a single Redis, not on Cluster)', () => {
    const keys = everyKey('fjord');
    expect(new Set(keys.map(clusterHashTag)).size).toBe(keys.length);
    expect(isClusterSafePrefix('fjord')).toBe(false);
  });

  it('follows the Cluster spec for odd braces: the first {…} counts, an empty one does not', () => {
    expect(clusterHashTag('{a}{b}:x')).toBe('a');
    expect(clusterHashTag('{}x:{a}')).toBe('{}x:{a}');
    expect(clusterHashTag('x{a}:y')).toBe('a');
    expect(clusterHashTag('{open:y')).toBe('{open:y');
    expect(isClusterSafePrefix('{}fjord')).toBe(false);
  });

  it('keeps the names the rest of the system already uses', () => {
    expect(mediaEventsChannel('fjord')).toBe('fjord:events:media');
    expect(rateLimitKey('{fjord}', 'key-1')).toBe('{fjord}:ratelimit:key-1');
    expect(authThrottleKey('{fjord}', 'signin-ip', '::1')).toBe('{fjord}:auth-throttle:signin-ip:::1');
    expect(bullQueueKeys('{fjord}', 'transcode')).toContain('{fjord}:transcode:wait');
    expect(() => redisKey('fjord')).toThrow();
  });

  it('QUEUE_PREFIX accepts a leading hash tag and refuses braces anywhere else, with a readable reason', () => {
    expect(parseConfig({ QUEUE_PREFIX: '{fjord}' }).QUEUE_PREFIX).toBe('{fjord}');
    expect(parseConfig({ QUEUE_PREFIX: '{fjord}-eu' }).QUEUE_PREFIX).toBe('{fjord}-eu');
    for (const bad of ['fj{ord}', '{}', '{fjord', 'fjord}', '{a}{b}', 'fj:ord', 'a b']) {
      expect(() => parseConfig({ QUEUE_PREFIX: bad }), bad).toThrow(/QUEUE_PREFIX: .*hash tag/);
    }
  });
});

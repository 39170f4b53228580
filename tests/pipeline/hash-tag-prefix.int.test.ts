import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '@fjord/api';
import { createJpegFixture } from '@fjord/media/testing';
import {
  clusterHashTag,
  createMediaEventSubscriber,
  waitForMediaEvent,
  type MediaEventSubscriber,
} from '@fjord/queue';
import { createTestUser, uniquePrefix } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';

/**
 * Redis Cluster readiness without a Cluster: QUEUE_PREFIX written as a hash tag must work end to end
 * (flows, events, rate limits), and every key left in Redis must hash on that tag alone (one slot).
 */
describe('QUEUE_PREFIX as a Redis Cluster hash tag ({…})', () => {
  const tag = uniquePrefix('hashtag');
  const prefix = `{${tag}}`;
  let p: Pipeline;
  let events: MediaEventSubscriber;

  beforeAll(async () => {
    p = await startPipeline('hashtag', { QUEUE_PREFIX: prefix });
    events = createMediaEventSubscriber(p.config);
    await Promise.all([p.startWorker('transcode'), p.startWorker('db'), p.startWorker('email')]);
  });

  afterAll(async () => {
    await events?.close();
    await p?.stop();
  });

  it('an upload goes READY with its email and live events, and every key it left shares the tag', async () => {
    expect(p.config.QUEUE_PREFIX).toBe(prefix);
    const owner = await createTestUser(p.db);
    events.subscribe('*', () => undefined);
    await events.ready();

    const { id } = await p.ingest.ingestUpload({
      ownerId: owner.id,
      filename: 'tagged.jpg',
      body: await createJpegFixture({ width: 640, height: 480 }),
    });
    const ready = waitForMediaEvent(events, id, (e) => e.type === 'ready', 45_000);
    expect((await p.waitForStatus(id, ['READY', 'FAILED'])).status).toBe('READY');
    await ready;
    await p.smtp.waitForMessages(1, 20_000);
    expect(p.smtp.messages.map((m) => m.messageId)).toEqual([`<media-${id}-ready@fjord>`]);

    const consume = createRateLimiter({
      redis: p.queues.connection,
      prefix: p.config.QUEUE_PREFIX,
      limit: 5,
      windowSeconds: 60,
    });
    expect((await consume('fjk_hashtag')).isAllowed).toBe(true);

    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await p.queues.connection.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    expect(keys).toContain(`${prefix}:ratelimit:fjk_hashtag`);
    for (const queue of ['transcode', 'db', 'email']) expect(keys).toContain(`${prefix}:${queue}:id`);
    expect(keys.filter((k) => clusterHashTag(k) !== tag)).toEqual([]);
    // Nothing of this run escaped the prefix (e.g. a key built by hand without it).
    const stray: string[] = [];
    cursor = '0';
    do {
      const [next, batch] = await p.queues.connection.scan(cursor, 'MATCH', `*${tag}*`, 'COUNT', 1000);
      stray.push(...batch.filter((k) => !k.startsWith(prefix)));
      cursor = next;
    } while (cursor !== '0');
    expect(stray).toEqual([]);
  }, 90_000);
});

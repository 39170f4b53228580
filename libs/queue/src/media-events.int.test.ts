import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig, uniquePrefix } from '@fjord/testing';
import type { MediaEvent } from './contracts';
import {
  createMediaEventPublisher,
  createMediaEventSubscriber,
  waitForMediaEvent,
} from './media-events.service';

describe('media events over Redis pub/sub', () => {
  const config = testConfig({ QUEUE_PREFIX: uniquePrefix('media-events') });
  const publisher = createMediaEventPublisher(config);
  const subscriber = createMediaEventSubscriber(config);
  const other = createMediaEventSubscriber(testConfig({ QUEUE_PREFIX: uniquePrefix('media-events-other') }));

  afterAll(async () => {
    await Promise.all([publisher.close(), subscriber.close(), other.close()]);
  });

  it('delivers to the media subscribers and to "*", stops after unsubscribe, and never across prefixes', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const forA: MediaEvent[] = [];
    const all: MediaEvent[] = [];
    const leaked: MediaEvent[] = [];
    const stopA = subscriber.subscribe(a, (e) => forA.push(e));
    subscriber.subscribe('*', (e) => all.push(e));
    other.subscribe('*', (e) => leaked.push(e));
    await Promise.all([subscriber.ready(), other.ready()]);

    const done = waitForMediaEvent(subscriber, b, (e) => e.type === 'ready');
    await publisher.publish({ mediaId: a, type: 'variant-done', variant: 'thumb-webp' });
    await publisher.publish({ mediaId: b, type: 'ready' });
    expect(await done).toMatchObject({ mediaId: b, type: 'ready' });

    expect(forA).toEqual([
      expect.objectContaining({ mediaId: a, type: 'variant-done', variant: 'thumb-webp' }),
    ]);
    expect(all.map((e) => e.mediaId)).toEqual([a, b]);
    expect(typeof forA[0]?.at).toBe('number');

    stopA();
    const last = waitForMediaEvent(subscriber, a, (e) => e.type === 'failed');
    await publisher.publish({ mediaId: a, type: 'failed' });
    await last;
    expect(forA).toHaveLength(1);
    expect(leaked).toEqual([]);
  });

  it('rejects an event that breaks the contract before publishing it', async () => {
    await expect(publisher.publish({ mediaId: 'not-a-uuid', type: 'ready' })).rejects.toThrow();
  });
});

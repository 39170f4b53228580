import type { Config } from '@fjord/config';
import { MediaEventSchema, type MediaEvent } from './contracts';
import type { QueueLogger } from './logger';
import { mediaEventsChannel } from './redis-keys';
import { closeRedis, createRedis, waitUntilReady } from './redis';

type EventsConfig = Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX'>;

export type MediaEventPublisher = {
  publish(event: Omit<MediaEvent, 'at'> & { at?: number }): Promise<void>;
  close(): Promise<void>;
};

export type MediaEventHandler = (event: MediaEvent) => void;

export type MediaEventSubscriber = {
  /** `'*'` receives every media's events. Returns the unsubscribe function. */
  subscribe(mediaId: string | '*', handler: MediaEventHandler): () => void;
  /** Resolves once Redis confirmed the subscription; events published before that are not seen. */
  ready(): Promise<void>;
  close(): Promise<void>;
};

/** Live events are best effort: a lost one costs the page a refresh, never the job (it is logged). */
export function safePublish(
  events: Pick<MediaEventPublisher, 'publish'>,
  logger: QueueLogger,
): MediaEventPublisher['publish'] {
  return (event) =>
    events
      .publish(event)
      .catch((err: unknown) => logger.warn({ err, mediaId: event.mediaId }, 'publish failed'));
}

/** Fire-and-forget status announcements; live UI only, never the source of truth (that is Postgres). */
export function createMediaEventPublisher(
  config: EventsConfig,
  opts: { logger?: QueueLogger } = {},
): MediaEventPublisher {
  const redis = createRedis(config, 'producer', opts.logger);
  const channel = mediaEventsChannel(config.QUEUE_PREFIX);
  return {
    async publish(event) {
      const parsed = MediaEventSchema.parse({ ...event, at: event.at ?? Date.now() });
      await waitUntilReady(redis);
      await redis.publish(channel, JSON.stringify(parsed));
    },
    close: () => closeRedis(redis),
  };
}

/**
 * One Redis connection per subscriber, fanned out in memory: the web app creates one per process and
 * registers a handler per SSE client, so a thousand open pages cost one connection, not a thousand.
 */
export function createMediaEventSubscriber(
  config: EventsConfig,
  opts: { logger?: QueueLogger } = {},
): MediaEventSubscriber {
  const handlers = new Map<string, Set<MediaEventHandler>>();
  const channel = mediaEventsChannel(config.QUEUE_PREFIX);
  let redis: ReturnType<typeof createRedis> | undefined;
  let subscribed: Promise<void> = Promise.resolve();

  function connect() {
    if (redis) return;
    redis = createRedis(config, 'subscriber', opts.logger);
    redis.on('message', (_channel: string, raw: string) => {
      let event: MediaEvent;
      try {
        event = MediaEventSchema.parse(JSON.parse(raw));
      } catch {
        return; // a malformed message from another process must not break every listener
      }
      for (const key of [event.mediaId, '*']) {
        for (const handler of handlers.get(key) ?? []) {
          try {
            handler(event);
          } catch {
            // one failing SSE client must not starve the others
          }
        }
      }
    });
    subscribed = redis.subscribe(channel).then(() => undefined);
    subscribed.catch(() => undefined);
  }

  return {
    subscribe(mediaId, handler) {
      connect();
      let set = handlers.get(mediaId);
      if (!set) handlers.set(mediaId, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0) handlers.delete(mediaId);
      };
    },
    ready() {
      connect();
      return subscribed;
    },
    async close() {
      handlers.clear();
      if (redis) await closeRedis(redis);
      redis = undefined;
    },
  };
}

/** Resolves when `predicate` matches an event of `mediaId`; for tests and CLI waits. */
export function waitForMediaEvent(
  subscriber: MediaEventSubscriber,
  mediaId: string,
  predicate: (event: MediaEvent) => boolean,
  timeoutMs = 30_000,
): Promise<MediaEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`No matching event for media ${mediaId} within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = subscriber.subscribe(mediaId, (event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

import { randomInt } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import {
  createIngestService,
  createMediaDeletion,
  createMediaReprocessing,
  createUserErasure,
} from '@fjord/ingest';
import {
  createMediaEventPublisher,
  createMediaEventSubscriber,
  createMediaFlowEnqueuer,
  createQueueAdmin,
  createQueues,
  type Queues,
} from '@fjord/queue';
import { createBlobStore } from '@fjord/storage';
import { loadSecretCipher } from '@fjord/webhooks';
import { createTestDatabase, silentLogger, testConfig } from '@fjord/testing';
import { createAuthThrottle } from '../auth/auth-throttle.service';
import { createContext } from '../context';
import { createCaller } from '../root';
import type { ApiServices } from '../services';

/** Real Postgres (fresh database), real Redis (unique prefix), real storage, real ingest. */
export async function createApiHarness(overrides: Record<string, string> = {}) {
  const database = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: database.url, ...overrides });
  const storage = createBlobStore(config);
  const queues = createQueues(config);
  const enqueuer = createMediaFlowEnqueuer({ config, queues });
  const ingest = createIngestService({ db: database.db, storage, enqueuer, config, logger: silentLogger });
  const events = createMediaEventSubscriber(config);
  const publisher = createMediaEventPublisher(config);
  const queueAdmin = createQueueAdmin({ queues, prefix: config.QUEUE_PREFIX });
  const deleteMedia = createMediaDeletion({
    db: database.db,
    storage,
    events: publisher,
    queueAdmin,
    queues,
    config,
    logger: silentLogger,
  });
  const reprocessMedia = createMediaReprocessing({ db: database.db, queues, enqueuer });
  const eraseUser = createUserErasure({
    db: database.db,
    deleteMedia,
    storage,
    queues,
    config,
    logger: silentLogger,
  });
  const services: ApiServices = {
    config,
    db: database.db,
    storage,
    queues,
    events,
    deleteMedia,
    reprocessMedia,
    eraseUser,
    secrets: loadSecretCipher(config),
    urlSigningSecret: 'a-url-signing-secret-for-the-api-harness-only',
    logger: silentLogger,
    authThrottle: createAuthThrottle({ redis: queues.connection, config }),
    admin: { queueAdmin, enqueuer, storage },
  };

  /**
   * A caller as a browser with `cookie` would be; resHeaders shows what the response would set. `ip` is
   * the X-Forwarded-For hop the client arrives from (a fresh one per call unless given, as if every test
   * client were its own machine; throttle tests pass one).
   */
  async function callerFor(cookie?: string, opts: { ip?: string } = {}) {
    const headers = new Headers(cookie ? { cookie } : {});
    headers.set('x-forwarded-for', opts.ip ?? randomTestIp());
    const resHeaders = new Headers();
    const ctx = await createContext({
      req: new Request('http://localhost/api/trpc', { headers }),
      resHeaders,
      services,
    });
    return { caller: createCaller(ctx), resHeaders };
  }

  /** An upload as the web app's upload routes ingest it (the tRPC router takes no files). */
  async function uploadImage(ownerId: string, filename: string, bytes: Buffer = TINY_PNG) {
    const media = await ingest.ingestUpload({ ownerId, filename, declaredType: 'image/png', body: bytes });
    return { id: media.id, status: media.status };
  }

  async function close() {
    await Promise.allSettled([events.close(), publisher.close(), enqueuer.close(), queueAdmin.close()]);
    // Leave nothing under this file's prefix in the shared Redis.
    for (const q of [queues.transcode, queues.db, queues.email, queues.maintenance]) {
      await q.obliterate({ force: true }).catch(() => undefined);
    }
    await deleteKeys(queues.connection, `${config.QUEUE_PREFIX}:auth-throttle:*`);
    await queues.close();
    await database.drop();
  }

  return {
    database,
    db: database.db,
    config,
    services,
    queues,
    storage,
    events,
    publisher,
    callerFor,
    uploadImage,
    close,
  };
}

/** An address in 198.18.0.0/15 (benchmarking range): unique enough per call. */
export function randomTestIp(): string {
  const n = randomInt(0, 2 ** 17);
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

async function deleteKeys(redis: Queues['connection'], pattern: string): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 1000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}

/** The `name=value` part of a Set-Cookie header, ready to send back as a Cookie header. */
export function cookieFrom(resHeaders: Headers): string {
  const setCookie = resHeaders.get('set-cookie');
  if (!setCookie) throw new Error('no Set-Cookie header on the response');
  return setCookie.split(';')[0]!;
}

// 1×1 PNG: enough for ingest, which sniffs the bytes and never decodes them.
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** The TRPCError a call is refused with (the test fails if it resolves or throws something else). */
export async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

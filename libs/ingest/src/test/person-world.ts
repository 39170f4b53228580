import type { Config } from '@fjord/config';
import { createMediaFlowEnqueuer, createQueues } from '@fjord/queue';
import { createBlobStore, renditionKey } from '@fjord/storage';
import {
  createTestDatabase,
  createTestRendition,
  createTestUser,
  silentLogger,
  testConfig,
} from '@fjord/testing';
import { createIngestService } from '../ingest.service';

// Kept for @fjord/ingest/testing and this lib's tests; the one logger is @fjord/testing's.
export { silentLogger };
/** A 1×1 PNG header: enough for the sniffer, stored as any upload is. */
export const TINY_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
  'hex',
);

/**
 * What the erasure, export and `fjord user` tests share: a database of their own, real disk storage and
 * Redis queues, and people whose media came in through ingest, as an upload does. close() releases all.
 */
export async function createPersonWorld(overrides: Record<string, string> = {}) {
  const database = await createTestDatabase();
  const config: Config = testConfig({ DATABASE_URL: database.url, ...overrides });
  const { db } = database;
  const storage = createBlobStore(config);
  const queues = createQueues(config);
  const enqueuer = createMediaFlowEnqueuer({ config, queues });
  const ingest = createIngestService({ db, storage, enqueuer, config, logger: silentLogger });

  type Upload = { filename: string; body: Buffer };
  type Ingested = Awaited<ReturnType<typeof ingest.ingestUpload>>;
  /** A user with `files` uploaded (a.png by default), one media each; `rendition` is stored for the first. */
  async function createPersonWithMedia<const F extends readonly Upload[] = readonly [Upload]>(
    files: F = [{ filename: 'a.png', body: TINY_PNG }] as unknown as F,
    opts: { rendition?: Buffer } = {},
  ) {
    const user = await createTestUser(db);
    const uploaded: Ingested[] = [];
    for (const f of files) uploaded.push(await ingest.ingestUpload({ ownerId: user.id, ...f }));
    const media = uploaded as { -readonly [K in keyof F]: Ingested };
    const body = opts.rendition;
    if (!body) return { user, media, rendition: undefined };
    const storageKey = renditionKey(uploaded[0]!.id, 'thumb-webp', 'webp');
    await storage.put(storageKey, body);
    const rendition = await createTestRendition(db, {
      mediaId: uploaded[0]!.id,
      bytes: body.length,
      storageKey,
    });
    return { user, media, rendition };
  }

  async function close() {
    await enqueuer.close().catch(() => undefined);
    await queues.close();
    await database.drop();
  }

  return { config, database, db, storage, queues, enqueuer, ingest, createPersonWithMedia, close };
}

export type PersonWorld = Awaited<ReturnType<typeof createPersonWorld>>;

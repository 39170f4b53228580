import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countVideoMinutes, type DbClient } from '@fjord/db';
import { httpStatusForCode, isAppError } from '@fjord/errors';
import {
  createMediaEventPublisher,
  createMediaFlowEnqueuer,
  createQueueAdmin,
  createQueues,
  type MediaEventPublisher,
  type MediaFlowEnqueuer,
  type QueueAdmin,
  type Queues,
} from '@fjord/queue';
import { createBlobStore } from '@fjord/storage';
import {
  createTestDatabase,
  createTestUser,
  silentLogger as silent,
  testConfig,
  type TestDatabase,
} from '@fjord/testing';
import { createMediaDeletion } from './delete-media.service';
import { createIngestService, type IngestService } from './ingest.service';

const jpegHead = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const mp4Head = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.from([0, 0, 2, 0]),
]);
const jpeg = (bytes: number) => Buffer.concat([jpegHead, Buffer.alloc(bytes - jpegHead.length, 7)]);

const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

/** Why an upload was refused (code, status, message), or 'ok'. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (!isAppError(err)) throw err;
    return `${httpStatusForCode(err.code)} ${err.code}`;
  }
}

describe('upload quotas (real Postgres; guarded updates under concurrency)', () => {
  const config = testConfig();
  const storage = createBlobStore(config);
  let database: TestDatabase;
  let db: DbClient;
  let queues: Queues;
  let enqueuer: MediaFlowEnqueuer;
  let ingest: IngestService;
  let queueAdmin: QueueAdmin;
  let events: MediaEventPublisher;
  let deleteMedia: ReturnType<typeof createMediaDeletion>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    queues = createQueues(config);
    enqueuer = createMediaFlowEnqueuer({ config, queues });
    ingest = createIngestService({ db, storage, enqueuer, config, logger: silent });
    queueAdmin = createQueueAdmin({ queues, prefix: config.QUEUE_PREFIX });
    events = createMediaEventPublisher(config);
    deleteMedia = createMediaDeletion({ db, storage, events, queueAdmin, queues, config, logger: silent });
  });
  afterAll(async () => {
    await Promise.allSettled([queueAdmin?.close(), events?.close()]);
    await enqueuer?.close();
    await queues?.close();
    await database?.drop();
  });

  const used = async (id: string) =>
    (await db.user.findUniqueOrThrow({ where: { id }, select: { storageBytesUsed: true } })).storageBytesUsed;

  it('two parallel uploads of unknown size cannot both take the last bytes: one is kept, one is 413', async () => {
    const user = await createTestUser(db);
    await db.user.update({ where: { id: user.id }, data: { quotaStorageBytes: 10_000n } });
    const upload = (n: number) =>
      ingest.ingestUpload({ ownerId: user.id, filename: `p${n}.jpg`, body: Readable.from([jpeg(6_000)]) });
    const results = await Promise.all([outcome(upload(1)), outcome(upload(2))]);
    expect(results.sort()).toEqual(['413 quota_exceeded', 'ok']);
    expect(await db.media.count({ where: { ownerId: user.id } })).toBe(1);
    expect(await used(user.id)).toBe(6_000n);
    // The refused file left nothing behind: its reservation and its upload of the day were given back.
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.uploadsToday).toBe(1);
  });

  it('a declared size over the room left is refused before its body is read, with a message a person reads', async () => {
    const user = await createTestUser(db);
    await db.user.update({ where: { id: user.id }, data: { quotaStorageBytes: 5_000n } });
    const filesBefore = filesUnder(config.dataDir);
    async function* body() {
      yield jpegHead;
      yield Buffer.alloc(9_000, 1);
    }
    const err = await ingest
      .ingestUpload({
        ownerId: user.id,
        filename: 'big.jpg',
        body: Readable.from(body()),
        declaredBytes: 9_010,
      })
      .catch((e: unknown) => e);
    expect(isAppError(err) ? err.code : err).toBe('quota_exceeded');
    expect((err as Error).message).toMatch(
      /^big\.jpg \(.+\) does not fit in your storage quota: you use 0 MB of /,
    );
    expect(filesUnder(config.dataDir)).toEqual(filesBefore); // not a byte reached storage
    expect(await used(user.id)).toBe(0n);
    expect(await db.media.count({ where: { ownerId: user.id } })).toBe(0);
  });

  it('an upload whose stream outgrows the room left is stopped (413) and nothing is kept', async () => {
    const user = await createTestUser(db);
    await db.user.update({ where: { id: user.id }, data: { quotaStorageBytes: 4_000n } });
    const result = await outcome(
      ingest.ingestUpload({ ownerId: user.id, filename: 'grow.jpg', body: Readable.from([jpeg(20_000)]) }),
    );
    expect(result).toBe('413 quota_exceeded');
    expect(await used(user.id)).toBe(0n);
  });

  it('uploads per day: of five parallel uploads with a limit of 3, exactly three pass; the rest are 429', async () => {
    const user = await createTestUser(db);
    await db.user.update({ where: { id: user.id }, data: { quotaUploadsPerDay: 3 } });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, n) =>
        outcome(
          ingest.ingestUpload({ ownerId: user.id, filename: `d${n}.jpg`, body: Readable.from([jpeg(500)]) }),
        ),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(3);
    expect(results.filter((r) => r === '429 daily_quota_exceeded')).toHaveLength(2);
    const err = await ingest
      .ingestUpload({ ownerId: user.id, filename: 'more.jpg', body: Readable.from([jpeg(500)]) })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'You have uploaded 3 files today, your daily limit of 3. Nothing was kept; your daily allowance starts again at 00:00 UTC.',
    );
  });

  /** A video as finalize records it: uploaded, then its probed duration counted (countVideoMinutes). */
  async function probedVideo(ownerId: string, durationMs: number): Promise<string> {
    const { id } = await ingest.ingestUpload({
      ownerId,
      filename: 'long.mp4',
      body: Readable.from([Buffer.concat([mp4Head, Buffer.alloc(2_000)])]),
    });
    await db.$transaction(async (tx) => {
      await countVideoMinutes(tx, id, durationMs);
      await tx.media.update({ where: { id }, data: { durationMs } });
    });
    return id;
  }
  const nextVideo = (ownerId: string) =>
    outcome(
      ingest.ingestUpload({
        ownerId,
        filename: 'next.mp4',
        body: Readable.from([Buffer.concat([mp4Head, Buffer.alloc(2_000)])]),
      }),
    );

  it('video minutes per day: once today’s probed minutes reach the limit, the next video is 429 (images still pass)', async () => {
    const user = await createTestUser(db);
    await db.user.update({ where: { id: user.id }, data: { quotaVideoMinutesPerDay: 2 } });
    await probedVideo(user.id, 150_000);
    expect(await nextVideo(user.id)).toBe('429 daily_quota_exceeded');
    const image = await outcome(
      ingest.ingestUpload({ ownerId: user.id, filename: 'ok.jpg', body: Readable.from([jpeg(500)]) }),
    );
    expect(image).toBe('ok');
  });

  it('video minutes are a per-day counter: upload → delete → upload over the cap is still 429', async () => {
    const user = await createTestUser(db);
    await db.user.update({ where: { id: user.id }, data: { quotaVideoMinutesPerDay: 2 } });
    const first = await probedVideo(user.id, 150_000);
    expect(await deleteMedia(first)).toMatchObject({ deleted: true });
    expect(await db.media.count({ where: { ownerId: user.id } })).toBe(0);
    const err = await ingest
      .ingestUpload({
        ownerId: user.id,
        filename: 'again.mp4',
        body: Readable.from([Buffer.concat([mp4Head, Buffer.alloc(2_000)])]),
      })
      .catch((e: unknown) => e);
    expect(isAppError(err) && `${httpStatusForCode(err.code)} ${err.code}`).toBe('429 daily_quota_exceeded');
    expect((err as Error).message).toBe(
      'You have uploaded 2.5 minutes of video today, your daily limit of 2 minutes. Nothing was kept; your daily allowance starts again at 00:00 UTC.',
    );
    // The refusal gave nothing away and kept nothing: today's upload count is the first video's only.
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { uploadsToday: true } });
    expect(row.uploadsToday).toBe(1);
  });

  it('the config default applies without an override, and 0 means unlimited', async () => {
    const capped = createIngestService({
      db,
      storage,
      enqueuer,
      config: { ...config, QUOTA_STORAGE_BYTES: 1_000 },
      logger: silent,
    });
    const user = await createTestUser(db);
    expect(
      await outcome(
        capped.ingestUpload({ ownerId: user.id, filename: 'a.jpg', body: Readable.from([jpeg(2_000)]) }),
      ),
    ).toBe('413 quota_exceeded');
    await db.user.update({ where: { id: user.id }, data: { quotaStorageBytes: 0n } });
    expect(
      await outcome(
        capped.ingestUpload({ ownerId: user.id, filename: 'b.jpg', body: Readable.from([jpeg(2_000)]) }),
      ),
    ).toBe('ok');
    expect(await used(user.id)).toBe(2_000n);
  });
});

import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import { VIDEO_VARIANTS, mediaJobId } from '@fjord/queue';
import { originalKey } from '@fjord/storage';
import { createTestUser } from '@fjord/testing';
import { createIngestService } from './ingest.service';
import { sweepStuckMedia } from './sweep-stuck-media.service';
import { createPersonWorld, silentLogger as silent, type PersonWorld } from './test/person-world';

const MB = 1024 * 1024;
const jpegHead = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);

describe('ingest service (real Postgres, Redis, disk)', () => {
  let world: PersonWorld;
  let config: PersonWorld['config'];
  let storage: PersonWorld['storage'];
  let db: DbClient;
  let queues: PersonWorld['queues'];
  let enqueuer: PersonWorld['enqueuer'];
  let ownerId: string;

  beforeAll(async () => {
    world = await createPersonWorld({ UPLOAD_MAX_BYTES: String(2 * MB) });
    ({ config, storage, db, queues, enqueuer } = world);
    ownerId = (await createTestUser(db)).id;
  });
  afterAll(() => world?.close());

  it('stores the blob, records a QUEUED row and enqueues its flow', async () => {
    const body = Buffer.concat([jpegHead, Buffer.alloc(1000, 7)]);
    const chunks = [body.subarray(0, 3), body.subarray(3, 20), body.subarray(20)]; // head split across chunks
    const result = await createIngestService({ db, storage, enqueuer, config, logger: silent }).ingestUpload({
      ownerId,
      filename: '../evil\u0000name\u202E.jpg',
      body: Readable.from(chunks),
      requestId: 'req-42',
    });

    expect(result).toMatchObject({ kind: 'IMAGE', status: 'QUEUED' });
    const media = await db.media.findUniqueOrThrow({ where: { id: result.id } });
    expect(media).toMatchObject({
      status: 'QUEUED',
      originalName: 'evilname.jpg',
      mimeType: 'image/jpeg',
      variantsTotal: 3,
    });
    expect(media.sizeBytes).toBe(BigInt(body.length));
    expect(media.queuedAt).not.toBeNull();
    expect(await storage.read(media.storageKey)).toEqual(body);
    const finalize = await queues.db.getJob(mediaJobId(result.id, 'finalize'));
    expect(finalize?.data).toMatchObject({ mediaId: result.id, requestId: 'req-42' });
  });

  it("ranks each upload's flow by its owner's media in flight, this one included (ADR 0021)", async () => {
    const owner = (await createTestUser(db)).id;
    const ingest = createIngestService({ db, storage, enqueuer, config, logger: silent });
    const upload = (n: number) =>
      ingest.ingestUpload({
        ownerId: owner,
        filename: `rank-${n}.jpg`,
        body: Readable.from([Buffer.concat([jpegHead, Buffer.alloc(100, n)])]),
      });
    const priorityOf = async (id: string) =>
      (await queues.transcode.getJob(mediaJobId(id, 'transcode', 'thumb-webp')))?.opts.priority;
    const first = await upload(1);
    const second = await upload(2);
    const third = await upload(3);
    expect([await priorityOf(first.id), await priorityOf(second.id), await priorityOf(third.id)]).toEqual([
      1, 2, 3,
    ]);
    // Done media no longer count: the next upload ranks behind the two still in flight.
    await db.media.update({ where: { id: first.id }, data: { status: 'READY' } });
    expect(await priorityOf((await upload(4)).id)).toBe(3);
  });

  it('moves a finished local file into local storage; a store without adoptFile streams it and leaves it', async () => {
    const { mkdtemp, writeFile, stat, rm } = await import('node:fs/promises');
    const { createReadStream } = await import('node:fs');
    const dir = await mkdtemp(`${config.dataDir}/ingest-file-`);
    const bytes = Buffer.concat([jpegHead, Buffer.alloc(200_000, 3)]);
    const input = async (name: string) => {
      const file = `${dir}/${name}`;
      await writeFile(file, bytes);
      return { ownerId, filename: `${name}.jpg`, body: createReadStream(file), file };
    };
    try {
      const moved = await input('a');
      const a = await createIngestService({ db, storage, enqueuer, config, logger: silent }).ingestUpload(
        moved,
      );
      await expect(stat(moved.file)).rejects.toMatchObject({ code: 'ENOENT' });
      const rowA = await db.media.findUniqueOrThrow({ where: { id: a.id } });
      expect((await storage.read(rowA.storageKey)).equals(bytes)).toBe(true);

      const { adoptFile: _unused, ...streamingOnly } = storage;
      const kept = await input('b');
      const b = await createIngestService({
        db,
        storage: streamingOnly,
        enqueuer,
        config,
        logger: silent,
      }).ingestUpload(kept);
      expect((await stat(kept.file)).size).toBe(bytes.length); // the caller (tus) removes its own file
      const rowB = await db.media.findUniqueOrThrow({ where: { id: b.id } });
      expect(rowB.sha256).toBe(rowA.sha256);
      expect((await storage.read(rowB.storageKey)).equals(bytes)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a file over the limit with its size, and leaves nothing behind', async () => {
    const body = Readable.from(
      (function* () {
        yield jpegHead;
        for (let i = 0; i < 61; i++) yield Buffer.alloc(128 * 1024); // ~7.6 MB in 128 KB chunks
      })(),
    );
    const before = await db.media.count();
    const err = await createIngestService({ db, storage, enqueuer, config, logger: silent })
      .ingestUpload({ ownerId, filename: 'photo.jpg', body })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'too_large', message: 'photo.jpg is 7.6 MB; the limit is 2 MB.' });
    expect(await db.media.count()).toBe(before);
  });

  it('keeps the upload when Redis refuses the flow; the sweeper re-enqueues it once it is stale', async () => {
    const failing = { enqueueMediaFlow: () => Promise.reject(new Error('Redis is down')) };
    const { id } = await createIngestService({
      db,
      storage,
      enqueuer: failing,
      config,
      logger: silent,
    }).ingestUpload({
      ownerId,
      filename: 'kept.jpg',
      body: Buffer.concat([jpegHead, Buffer.alloc(100)]),
    });
    // Recorded, but its flow never reached Redis: UPLOADED, which the sweeper treats as stuck.
    expect(await db.media.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'UPLOADED' });
    expect(await storage.stat(originalKey(id, 'jpg'))).not.toBeNull();
    expect(await queues.db.getJob(mediaJobId(id, 'finalize'))).toBeUndefined();

    const sweep = (staleAfterMs: number) =>
      sweepStuckMedia({ db, queues, enqueuer, staleAfterMs, logger: silent });
    expect((await sweep(60_000)).requeued).toEqual([]); // not stale yet
    const { requeued } = await sweep(0);
    expect(requeued).toContain(id);
    expect(await queues.db.getJob(mediaJobId(id, 'finalize'))).toBeDefined();
    expect((await sweep(0)).requeued).not.toContain(id); // its flow exists now: nothing to do
  });

  it('takes a video (sniffed MP4) into a transcode-video flow, and the sweeper re-enqueues a stuck video', async () => {
    const mp4Head = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(100)]);
    const failing = { enqueueMediaFlow: () => Promise.reject(new Error('Redis is down')) };
    const { id, kind } = await createIngestService({
      db,
      storage,
      enqueuer: failing,
      config,
      logger: silent,
    }).ingestUpload({
      ownerId,
      filename: 'clip.mp4',
      body: mp4Head,
    });
    expect(kind).toBe('VIDEO');
    expect(await db.media.findUniqueOrThrow({ where: { id } })).toMatchObject({
      kind: 'VIDEO',
      mimeType: 'video/mp4',
      variantsTotal: VIDEO_VARIANTS.length,
    });
    const { requeued } = await sweepStuckMedia({ db, queues, enqueuer, staleAfterMs: 0, logger: silent });
    expect(requeued).toContain(id);
    const child = await queues.transcode.getJob(mediaJobId(id, 'transcode', 'cmaf'));
    expect(child?.name).toBe('transcode-video');
  });
});

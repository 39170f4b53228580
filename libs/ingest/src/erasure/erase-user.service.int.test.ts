import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient } from '@fjord/db';
import {
  createMediaEventPublisher,
  createQueueAdmin,
  finishedUploadKey,
  rateLimitKey,
  type MediaEventPublisher,
  type QueueAdmin,
  type Queues,
} from '@fjord/queue';
import type { BlobStore } from '@fjord/storage';
import { emitMediaWebhookEvent } from '@fjord/webhooks';
import type { Config } from '@fjord/config';
import { createMediaDeletion } from '../delete-media.service';
import {
  createPersonWorld,
  silentLogger as silent,
  TINY_PNG as PNG,
  type PersonWorld,
} from '../test/person-world';
import { createUserErasure, resumeErasures, type EraseUserDeps } from './erase-user.service';
import { findInDatabase, findInFiles, findInRedis } from './test/erasure-scan';

const MP4 = Buffer.concat([
  Buffer.from('0000001866747970697336d00000000069736f6d', 'hex'),
  randomBytes(4000),
]);

describe('user erasure (real Postgres, Redis, disk)', () => {
  let world: PersonWorld;
  let config: Config;
  let storage: BlobStore;
  let db: DbClient;
  let queues: Queues;
  let queueAdmin: QueueAdmin;
  let events: MediaEventPublisher;
  let deps: EraseUserDeps;

  beforeAll(async () => {
    world = await createPersonWorld();
    ({ config, storage, db, queues } = world);
    queueAdmin = createQueueAdmin({ queues, prefix: config.QUEUE_PREFIX });
    events = createMediaEventPublisher(config);
    const deleteMedia = createMediaDeletion({
      db,
      storage,
      events,
      queueAdmin,
      queues,
      config,
      logger: silent,
    });
    deps = { db, deleteMedia, storage, queues, config, logger: silent };
  });

  afterAll(async () => {
    await Promise.allSettled([queueAdmin?.close(), events?.close()]);
    await world?.close();
  });

  /** A person with everything Fjord can hold about them; returns every id and string that names them. */
  async function createPerson() {
    const { user, media, rendition } = await world.createPersonWithMedia(
      [
        { filename: 'a.png', body: PNG },
        { filename: 'b.png', body: PNG },
        { filename: 'c.mp4', body: MP4 },
      ],
      { rendition: Buffer.from('a rendition') },
    );
    const images = media.slice(0, 2);
    const video = media[2]!;
    await db.media.update({
      where: { id: images[0]!.id },
      data: { status: 'READY', finishedAt: new Date() },
    });
    await db.notification.create({
      data: {
        mediaId: images[0]!.id,
        kind: 'MEDIA_READY',
        recipient: user.email,
        messageId: 'm',
        sentAt: new Date(),
      },
    });
    await mkdir(config.mailOutboxDir, { recursive: true });
    await writeFile(
      path.join(config.mailOutboxDir, `media-${images[0]!.id}-media-ready@fjord.eml`),
      `To: ${user.email}\nSubject: ready\n\nYour media is ready.\n`,
    );
    const endpoint = await db.webhookEndpoint.create({
      data: {
        userId: user.id,
        url: 'https://hooks.example.test/x',
        secretCiphertext: 'fjs1:k:x',
        events: ['media.ready'],
      },
    });
    await emitMediaWebhookEvent({ db, queues, config }, { event: 'media.ready', mediaId: images[0]!.id });
    const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } });
    await db.webhookAttempt.create({
      data: { deliveryId: delivery.id, attempt: 1, statusCode: 500, durationMs: 3 },
    });
    const apiKey = await db.apiKey.create({
      data: {
        userId: user.id,
        name: 'ci',
        prefix: `fjk_${randomBytes(4).toString('hex')}`,
        secretHash: 'h',
        scopes: ['media:read'],
      },
    });
    await db.idempotencyKey.create({
      data: {
        apiKeyId: apiKey.id,
        key: 'k1',
        route: 'POST /api/v1/media',
        requestHash: 'r',
        responseStatus: 201,
        responseBody: JSON.stringify({ id: video.id }),
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });
    await queues.connection.set(rateLimitKey(config.QUEUE_PREFIX, apiKey.id), '5');
    const session = await db.session.create({
      data: {
        userId: user.id,
        tokenHash: randomBytes(16).toString('hex'),
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });
    // A verification link of theirs, sent, and its .eml in the outbox (named by the row, not the person).
    const accountEmail = await db.accountEmail.create({
      data: {
        userId: user.id,
        kind: 'VERIFY_EMAIL',
        recipient: user.email,
        messageId: `<account-${randomBytes(4).toString('hex')}-verify-email@fjord>`,
        sentAt: new Date(),
      },
    });
    await writeFile(
      path.join(config.mailOutboxDir, `account-${accountEmail.id}-verify-email@fjord.eml`),
      `To: ${user.email}\nSubject: Confirm your email address for Fjord\n\nConfirm: …\n`,
    );
    await db.invite.create({
      data: {
        tokenHash: randomBytes(16).toString('hex'),
        email: user.email,
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });
    await db.auditLog.createMany({
      data: [
        { actorId: user.id, action: 'media.delete', targetType: 'media', targetId: video.id, meta: {} },
        {
          actorId: null,
          action: 'user.role',
          targetType: 'user',
          targetId: user.id,
          meta: { email: user.email },
        },
        {
          actorId: null,
          action: 'job.retry',
          targetType: 'job',
          targetId: `media.${video.id}.transcode.v360-mp4`,
          meta: {},
        },
      ],
    });
    // A pending resumable upload (@tus/file-store's layout) and a finished one remembered in Redis.
    const tusId = randomBytes(16).toString('hex');
    const tusDir = path.join(config.dataDir, 'tus');
    await mkdir(tusDir, { recursive: true });
    await writeFile(path.join(tusDir, tusId), randomBytes(100));
    await writeFile(
      path.join(tusDir, `${tusId}.json`),
      JSON.stringify({
        id: tusId,
        size: 1000,
        offset: 100,
        metadata: { ownerId: user.id, filename: 'd.mov' },
        creation_date: new Date().toISOString(),
      }),
    );
    await queues.connection.set(
      finishedUploadKey(config.QUEUE_PREFIX, randomBytes(16).toString('hex')),
      JSON.stringify({ ownerId: user.id, mediaId: images[1]!.id, size: 10 }),
    );
    const needles = [
      user.id,
      user.email,
      ...images.map((m) => m.id),
      video.id,
      rendition!.id,
      endpoint.id,
      delivery.id,
      apiKey.id,
      apiKey.prefix,
      session.id,
      tusId,
    ];
    return { user, needles, mediaIds: [...images.map((m) => m.id), video.id] };
  }

  async function scanAll(needles: string[]) {
    return {
      db: await findInDatabase(db, needles),
      files: await findInFiles(config.dataDir, needles),
      redis: await findInRedis(queues.connection, config.QUEUE_PREFIX, needles),
    };
  }

  it('erases every trace of a person in Postgres, storage and Redis, and keeps everyone else', async () => {
    const person = await createPerson();
    const bystander = await createPerson();
    const before = await scanAll(person.needles);
    // The scan finds them while they exist, so an empty scan afterwards means something.
    expect(before.db.length).toBeGreaterThan(10);
    expect(before.files.length).toBeGreaterThanOrEqual(6);
    expect(before.redis.length).toBeGreaterThan(5);

    const result = await createUserErasure(deps)({ userId: person.user.id, actorId: bystander.user.id });

    expect(result).toMatchObject({ erased: true, media: 3, uploads: 1 });
    expect(await scanAll(person.needles)).toEqual({ db: [], files: [], redis: [] });
    const audit = await db.auditLog.findMany({
      where: { action: { in: ['media.delete', 'user.role', 'job.retry', 'user.erase'] } },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(
      [
        'job.retry',
        'job.retry',
        'media.delete',
        'media.delete',
        'user.erase',
        'user.role',
        'user.role',
      ].sort(),
    );
    expect(audit.find((a) => a.action === 'user.erase')).toMatchObject({
      actorId: bystander.user.id,
      targetId: 'erased',
    });
    // The bystander's own things are all still there.
    const kept = await scanAll(bystander.needles.filter((n) => n !== bystander.user.id));
    expect(kept.db.length).toBe(before.db.length);
    expect(await db.media.count({ where: { ownerId: bystander.user.id } })).toBe(3);
  });

  it('finishes an erasure that crashed half-way when it runs again (or when maintenance resumes it)', async () => {
    const person = await createPerson();
    let calls = 0;
    const crashing: EraseUserDeps = {
      ...deps,
      deleteMedia: async (id) => {
        if (++calls === 2) throw new Error('injected crash after the first media');
        return deps.deleteMedia(id);
      },
    };
    await expect(createUserErasure(crashing)({ userId: person.user.id })).rejects.toThrow('injected crash');

    const half = await db.user.findUniqueOrThrow({ where: { id: person.user.id } });
    expect(half.erasingAt).not.toBeNull();
    expect(half.disabledAt).not.toBeNull();
    expect(await db.session.count({ where: { userId: person.user.id } })).toBe(0);
    expect(await db.media.count({ where: { ownerId: person.user.id } })).toBe(2);

    const eraseUser = createUserErasure(deps);
    expect(await resumeErasures({ db, logger: silent, eraseUser })).toBe(1);
    expect(await scanAll(person.needles)).toEqual({ db: [], files: [], redis: [] });
    expect(await eraseUser({ userId: person.user.id })).toMatchObject({ erased: false });
  });
});

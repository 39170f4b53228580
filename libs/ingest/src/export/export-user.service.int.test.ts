import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient } from '@fjord/db';
import { originalKey, type BlobStore } from '@fjord/storage';
import { createReadyMedia, createTestUser } from '@fjord/testing';
import { createPersonWorld, TINY_PNG as PNG, type PersonWorld } from '../test/person-world';
import { createUserExport } from './export-user.service';
import { readTar } from './test/tar-reader';

const MB = 1024 * 1024;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('user export (real Postgres, disk)', () => {
  let world: PersonWorld;
  let db: DbClient;
  let storage: BlobStore;

  beforeAll(async () => {
    world = await createPersonWorld();
    ({ db, storage } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('archives account.json and every original and rendition, as the database has them', async () => {
    const rendition = randomBytes(1500);
    const {
      user,
      media: [a, b],
    } = await world.createPersonWithMedia(
      [
        { filename: 'a.png', body: PNG },
        { filename: 'b.png', body: Buffer.concat([PNG, randomBytes(700)]) },
      ],
      { rendition },
    );
    const { user: other } = await world.createPersonWithMedia([{ filename: 'theirs.png', body: PNG }]);
    await db.webhookEndpoint.create({
      data: {
        userId: user.id,
        url: 'https://hooks.example.test/h',
        secretCiphertext: 'fjs1:k:SEALED',
        events: ['media.ready'],
      },
    });
    await db.auditLog.create({
      data: { actorId: other.id, action: 'media.reprocess', targetType: 'media', targetId: a.id },
    });
    await db.accountEmail.create({
      data: {
        userId: user.id,
        kind: 'VERIFY_EMAIL',
        recipient: user.email,
        messageId: '<account-export-test-verify-email@fjord>',
        link: 'https://fjord.test/verify-email?token=a-credential-not-to-export',
      },
    });

    const files = readTar(await collect(await createUserExport({ db, storage })(user.id)));

    const media = await db.media.findMany({ where: { ownerId: user.id }, include: { renditions: true } });
    expect(files.map((f) => f.name).sort()).toEqual(
      [
        'account.json',
        `media/${a.id}/original.png`,
        `media/${a.id}/renditions/thumb-webp.webp`,
        `media/${b.id}/original.png`,
      ].sort(),
    );
    for (const m of media) {
      expect(files.find((f) => f.name === `media/${m.id}/original.png`)?.body).toEqual(
        await storage.read(m.storageKey),
      );
    }
    expect(files.find((f) => f.name.endsWith('thumb-webp.webp'))?.body).toEqual(rendition);

    const doc = JSON.parse(files[0]!.body.toString('utf8'));
    expect(files[0]!.name).toBe('account.json');
    expect(doc.account).toMatchObject({
      id: user.id,
      email: user.email,
      emailVerifiedAt: user.emailVerifiedAt!.toISOString(),
    });
    expect(doc.accountEmails).toEqual([
      expect.objectContaining({ kind: 'VERIFY_EMAIL', recipient: user.email, sentAt: null }),
    ]);
    expect(doc.accountEmails[0]).not.toHaveProperty('link');
    expect(doc.media.map((m: { id: string }) => m.id).sort()).toEqual(media.map((m) => m.id).sort());
    expect(doc.media.find((m: { id: string }) => m.id === a.id)).toMatchObject({
      sizeBytes: String(PNG.length),
      sha256: media.find((m) => m.id === a.id)!.sha256,
      renditions: [expect.objectContaining({ name: 'thumb-webp', bytes: '1500' })],
    });
    expect(doc.webhooks).toEqual([
      expect.objectContaining({ url: 'https://hooks.example.test/h', events: ['media.ready'] }),
    ]);
    expect(doc.auditEvents).toEqual([
      expect.objectContaining({ action: 'media.reprocess', targetId: a.id, byYou: false }),
    ]);
    const text = files[0]!.body.toString('utf8');
    for (const secret of [
      'SEALED',
      'passwordHash',
      'secretHash',
      'tokenHash',
      'a-credential-not-to-export',
      other.id,
      other.email,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('exports 500 MB of blobs with flat memory', async () => {
    const user = await createTestUser(db);
    const chunk = randomBytes(MB);
    const COUNT = 50;
    const SIZE = 10 * MB;
    for (let i = 0; i < COUNT; i++) {
      const media = await createReadyMedia(db, { ownerId: user.id, sizeBytes: BigInt(SIZE) });
      const key = originalKey(media.id, 'png');
      await storage.put(
        key,
        Readable.from(
          (function* () {
            for (let j = 0; j < SIZE / MB; j++) yield chunk;
          })(),
        ),
      );
      await db.media.update({ where: { id: media.id }, data: { storageKey: key } });
    }
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let bytes = 0;
    const sink = new Writable({
      write(data: Buffer, _enc, done) {
        bytes += data.length;
        peak = Math.max(peak, process.memoryUsage().rss);
        // A slow consumer: the export must wait for it, not buffer ahead.
        setImmediate(done);
      },
    });
    await pipeline(await createUserExport({ db, storage })(user.id), sink);
    const growthMb = (peak - baseline) / MB;
    console.log(
      `export of ${(bytes / MB).toFixed(0)} MB: RSS grew ${growthMb.toFixed(1)} MB (baseline ${(baseline / MB).toFixed(0)} MB)`,
    );
    expect(bytes).toBeGreaterThan(COUNT * SIZE);
    expect(growthMb).toBeLessThan(64);
  }, 240_000);
});

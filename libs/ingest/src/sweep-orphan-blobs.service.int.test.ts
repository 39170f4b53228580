import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore, type BlobStore } from '@fjord/storage';
import { createTestDatabase, createTestUser, silentLogger, type TestDatabase } from '@fjord/testing';
import { sweepOrphanBlobs } from './sweep-orphan-blobs.service';

const HOUR = 3_600_000;
let database: TestDatabase;
let root: string;
let storage: BlobStore;
let ownerId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  ownerId = (await createTestUser(database.db)).id;
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-orphans-'));
  storage = createLocalBlobStore({ rootDir: root });
});
afterAll(async () => {
  await database?.drop();
  await fs.rm(root, { recursive: true, force: true });
});

/** A file as a crash leaves it, `ageMs` old (mtime set back). */
async function file(key: string, ageMs: number) {
  const full = path.join(root, key);
  await fs.mkdir(path.dirname(full), { recursive: true });
  await fs.writeFile(full, key);
  const at = new Date(Date.now() - ageMs);
  await fs.utimes(full, at, at);
  return key;
}

type KeyOf = (id: string) => string;
async function media(status: 'PROCESSING' | 'READY', ageMs: number, renditionKeys: KeyOf[] = []) {
  const id = randomUUID();
  await database.db.media.create({
    data: {
      id,
      ownerId,
      kind: 'IMAGE',
      status,
      originalName: 'x.jpg',
      mimeType: 'image/jpeg',
      sizeBytes: 1n,
      sha256: 'x',
      storageKey: `media/${id}/original.jpg`,
      renditions: {
        create: renditionKeys.map((k, i) => ({
          name: `v${i}`,
          format: 'webp',
          mimeType: 'image/webp',
          width: 1,
          height: 1,
          bytes: 1n,
          storageKey: k(id),
        })),
      },
    },
  });
  await database.db
    .$executeRaw`UPDATE "Media" SET "updatedAt" = now() - make_interval(secs => ${ageMs / 1000}) WHERE id = ${id}::uuid`;
  return id;
}
const rendition =
  (name: string): KeyOf =>
  (id) =>
    `media/${id}/r/${name}`;

async function exists(key: string) {
  return fs.stat(path.join(root, key)).then(
    () => true,
    () => false,
  );
}

describe('sweepOrphanBlobs', () => {
  it('removes what crashes left and nothing a media refers to or a run may still write', async () => {
    // 1. An upload killed before its INSERT: blob and temp file, no row, long ago → the folder goes.
    const lost = randomUUID();
    const lostFiles = [
      await file(`media/${lost}/original.jpg`, 2 * HOUR),
      await file(`media/${lost}/.original.png.${randomUUID()}.tmp`, 2 * HOUR),
    ];
    // 2. No row yet, but written a moment ago (its INSERT may be next) → kept.
    const fresh = randomUUID();
    const freshFile = await file(`media/${fresh}/original.jpg`, 1_000);
    // 3. READY for hours: a late attempt's file and a dead temp file go; original and rendition stay.
    const ready = await media('READY', 2 * HOUR, [rendition('thumb-webp.s2.webp')]);
    const readyKept = [
      await file(`media/${ready}/original.jpg`, 2 * HOUR),
      await file(`media/${ready}/r/thumb-webp.s2.webp`, 2 * HOUR),
    ];
    const readyOrphans = [
      await file(`media/${ready}/r/thumb-webp.s1.webp`, 2 * HOUR),
      await file(`media/${ready}/r/.w1280-webp.s1.webp.${randomUUID()}.tmp`, 2 * HOUR),
    ];
    // 4. PROCESSING: an unreferenced file may be this run's, about to be recorded → kept; an old temp goes.
    const running = await media('PROCESSING', 2 * HOUR);
    const runningKept = await file(`media/${running}/r/abc123/thumb-webp.s1.webp`, 2 * HOUR);
    const runningTemp = await file(`media/${running}/r/.x.s1.webp.${randomUUID()}.tmp`, 2 * HOUR);
    // 5. READY a minute ago (a reprocess just committed): its unreferenced files are left for later.
    const justReady = await media('READY', 60_000);
    const justReadyKept = await file(`media/${justReady}/r/thumb-webp.s1.webp`, 2 * HOUR);

    const result = await sweepOrphanBlobs({ db: database.db, storage, graceMs: HOUR, logger: silentLogger });

    expect(result.isComplete).toBe(true);
    expect(result.removed.sort()).toEqual([...lostFiles, ...readyOrphans, runningTemp].sort());
    for (const key of [...lostFiles, ...readyOrphans, runningTemp]) expect(await exists(key)).toBe(false);
    for (const key of [freshFile, ...readyKept, runningKept, justReadyKept])
      expect(await exists(key)).toBe(true);
    await expect(fs.stat(path.join(root, 'media', lost))).rejects.toMatchObject({ code: 'ENOENT' });

    // A second pass finds nothing more.
    expect(
      (await sweepOrphanBlobs({ db: database.db, storage, graceMs: HOUR, logger: silentLogger })).removed,
    ).toEqual([]);
  });

  it('bounds a pass and resumes after the last media it judged', async () => {
    const ids = Array.from({ length: 4 }, () => randomUUID()).sort();
    for (const id of ids) await file(`media/${id}/original.jpg`, 2 * HOUR);
    const cursor: { after?: string } = {};
    const passes: string[][] = [];
    for (let i = 0; i < 10; i++) {
      const r = await sweepOrphanBlobs(
        { db: database.db, storage, graceMs: HOUR, logger: silentLogger, maxEntries: 2 },
        cursor,
      );
      passes.push(r.removed);
      if (r.isComplete) break;
    }
    expect(passes.length).toBeGreaterThan(1);
    expect(passes.flat().sort()).toEqual(ids.map((id) => `media/${id}/original.jpg`));
    expect(cursor.after).toBeUndefined();
  });
});

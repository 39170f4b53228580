import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSession, SESSION_COOKIE_NAME } from '@fjord/auth';
import { mediaJobId } from '@fjord/queue';
import { mountTmpfs } from '@fjord/testing';
import { createRestHandlers } from './rest-handlers';
import { createWebHarness, multipart, TINY_PNG, tusRequest } from './test/web-test-harness';
import { TUS_PATH, createTusUploadServer } from './tus/tus-upload.server';

const MiB = 1024 * 1024;
const BASE = 'http://localhost:3000';
// Only the ingest gate runs here (magic bytes), so an MP4 header and random bytes are enough.
const video = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isommp41'),
  randomBytes(MiB - 24),
]);

// The whole data dir (blobs, tus uploads, secrets) on a real 8 MiB file system that the tests fill.
const disk = await mountTmpfs({ sizeBytes: 8 * MiB, label: 'web' });

type ErrorBody = { error: { code: string; message: string } };

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

function chunked(data: Buffer, size = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(new Uint8Array(data.subarray(offset, (offset += size))));
    },
  });
}

const post = (url: string, body: BodyInit, headers: Record<string, string>) =>
  new Request(`${BASE}${url}`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe.skipIf(!disk.mount)(`uploads when the disk is full ${disk.skipReason ?? ''}`, () => {
  const mount = disk.mount!;
  const blobsDir = path.join(mount.dir, 'blobs');
  const tusDir = path.join(mount.dir, 'tus');
  let h: Awaited<ReturnType<typeof createWebHarness>>;
  let rest: ReturnType<typeof createRestHandlers>;
  let tus: ReturnType<typeof createTusUploadServer>;

  beforeAll(async () => {
    h = await createWebHarness({
      FJORD_DATA_DIR: mount.dir,
      STORAGE_DIR: blobsDir,
      VIDEO_UPLOAD_MAX_BYTES: String(4 * MiB),
    });
    rest = createRestHandlers(h.services);
    tus = createTusUploadServer(h.services);
  });
  afterEach(async () => {
    await mount.free();
  });
  afterAll(async () => {
    await h?.close();
    await mount.unmount();
  });

  /** Blobs and temp files, tus uploads, the owner's rows and every job: what a refused upload must not change. */
  async function snapshot(ownerId: string) {
    const jobs: Record<string, number>[] = [];
    for (const queue of [h.services.queues.transcode, h.services.queues.db, h.services.queues.email]) {
      jobs.push(await queue.getJobCounts());
    }
    return {
      blobs: (await listFiles(blobsDir)).sort(),
      tus: await listFiles(tusDir),
      rows: await h.db.media.count({ where: { ownerId } }),
      jobs,
    };
  }

  async function expect507(res: Response, filename: string) {
    expect(res.status).toBe(507);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('storage_full');
    expect(body.error.message).toBe(
      `${filename} could not be saved: Fjord's storage is full. Nothing was kept; please try again later.`,
    );
  }

  it('REST multipart: 507 storage_full naming the file, nothing kept; the same upload succeeds once space is freed', async () => {
    const { user, auth } = await h.createUserWithKey();
    const before = await snapshot(user.id);
    const written = await mount.fill();
    expect(await mount.availableBytes()).toBe(0);
    expect(written).toBeGreaterThan(7 * MiB);

    // With an Idempotency-Key: a 507 is not the key's answer, so the retry is a new attempt, not a replay.
    const headers = { ...auth, 'idempotency-key': 'beach-upload-1' };
    const send = () =>
      rest.createMedia(post('/api/v1/media', multipart(TINY_PNG, 'beach.png', 'image/png'), headers));
    const refused = await send();
    expect(refused.headers.get('cache-control')).toBe('no-store');
    await expect507(refused, 'beach.png');
    expect(await snapshot(user.id)).toEqual(before);

    await mount.free();
    const accepted = await send();
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('idempotency-replayed')).toBeNull();
    const { id } = (await accepted.json()) as { id: string };
    const media = await h.db.media.findUniqueOrThrow({ where: { id } });
    expect(media.status).toBe('QUEUED');
    expect(await listFiles(blobsDir)).toEqual([...before.blobs, media.storageKey].sort());
    expect(await h.services.queues.email.getJob(mediaJobId(id, 'notify'))).toBeTruthy();
  });

  it('streamed REST and /api/uploads: ENOSPC halfway through removes the partial file; no row, no flow', async () => {
    const { user, auth } = await h.createUserWithKey();
    const before = await snapshot(user.id);
    await mount.fill({ leaveBytes: 256 * 1024 }); // a quarter of the video fits
    const headers = { ...auth, 'content-type': 'application/octet-stream', 'x-filename': 'trip.mp4' };

    await expect507(await rest.createMedia(post('/api/v1/media', chunked(video), headers)), 'trip.mp4');
    expect(await snapshot(user.id)).toEqual(before);

    const upload = h.uploads;
    await expect507(await upload(post('/api/uploads', chunked(video), headers)), 'trip.mp4');
    expect(await snapshot(user.id)).toEqual(before);

    await mount.free();
    const accepted = await upload(post('/api/uploads', chunked(video), headers));
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const media = await h.db.media.findUniqueOrThrow({ where: { id } });
    expect(media.sha256).toBe(createHash('sha256').update(video).digest('hex'));
  });

  it('the web app’s image upload (session on /api/uploads) answers 507 with the message the page shows', async () => {
    const { user } = await h.createUserWithKey();
    const before = await snapshot(user.id);
    const { token } = await createSession(h.db, { userId: user.id });
    await mount.fill();
    const res = await h.uploads(
      post('/api/uploads', new Uint8Array(TINY_PNG), {
        cookie: `${SESSION_COOKIE_NAME}=${token}`,
        origin: BASE,
        host: 'localhost:3000',
        'x-filename': 'beach.png',
        'content-type': 'application/octet-stream',
      }),
    );
    expect(res.status).toBe(507);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('storage_full');
    expect(body.error.message).toContain("beach.png could not be saved: Fjord's storage is full");
    expect(await snapshot(user.id)).toEqual(before);
  });

  describe('tus', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const call = (url: string, method: string, headers: Record<string, string>, body?: BodyInit) =>
      tusRequest(tus, url, method, headers, body);
    const create = (auth: Record<string, string>) =>
      call(TUS_PATH, 'POST', {
        ...auth,
        'upload-length': String(video.length),
        'upload-metadata': `filename ${b64('long trip.mp4')},filetype ${b64('video/mp4')}`,
      });
    const patch = (location: string, auth: Record<string, string>, offset: number) =>
      call(
        location,
        'PATCH',
        { ...auth, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        chunked(video.subarray(offset)),
      );

    it('the completing PATCH with no room for a second copy: the tus file is moved into storage → 204', async () => {
      const { user, auth } = await h.createUserWithKey();
      const before = await snapshot(user.id);
      // Room for the tus file (1 MiB) and half a blob copy: a copy would hit ENOSPC, a rename needs none.
      await mount.fill({ leaveBytes: MiB + 512 * 1024 });
      const created = await create(auth);
      expect(created.status).toBe(201);
      const res = await patch(created.headers.get('location')!, auth, 0);
      expect(res.status).toBe(204);
      const media = await h.db.media.findUniqueOrThrow({
        where: { id: res.headers.get('upload-media-id')! },
      });
      expect(media.sha256).toBe(createHash('sha256').update(video).digest('hex'));
      const after = await snapshot(user.id);
      expect(after.tus).toEqual(before.tus); // neither the file nor its metadata is left behind
      expect(after.rows).toBe(before.rows + 1);
      expect(after.blobs.length).toBe(before.blobs.length + 1);
    });

    it('a PATCH that fills <data>/tus: 507, the bytes so far stay resumable, and it completes once space is freed', async () => {
      const { user, auth } = await h.createUserWithKey();
      const before = await snapshot(user.id);
      await mount.fill({ leaveBytes: 256 * 1024 });
      const created = await create(auth);
      expect(created.status).toBe(201);
      const location = created.headers.get('location')!;

      const refused = await patch(location, auth, 0);
      expect(refused.status).toBe(507);
      const body = JSON.parse(await refused.text()) as ErrorBody;
      expect(body.error).toEqual({
        code: 'storage_full',
        message: "Fjord's storage is full, so the upload cannot continue right now. Please try again later.",
      });
      // No blob, row or flow; only the tus upload itself, which is meant to stay resumable.
      expect({ ...(await snapshot(user.id)), tus: before.tus }).toEqual(before);
      const head = await call(location, 'HEAD', auth);
      const offset = Number(head.headers.get('upload-offset'));
      expect(offset).toBeLessThanOrEqual(256 * 1024);

      await mount.free();
      const done = await patch(location, auth, offset);
      expect(done.status).toBe(204);
      const mediaId = done.headers.get('upload-media-id')!;
      const media = await h.db.media.findUniqueOrThrow({ where: { id: mediaId } });
      expect(media.sha256).toBe(createHash('sha256').update(video).digest('hex'));
    });
  });
});

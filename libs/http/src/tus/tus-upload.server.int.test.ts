import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebHarness, tusRequest } from '../test/web-test-harness';
import { TUS_PATH, createTusUploadServer } from './tus-upload.server';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let tus: ReturnType<typeof createTusUploadServer>;
const MAX = 4 * 1024 * 1024;
// Only the ingest gate runs here (magic bytes), so an MP4 header and random bytes are enough.
const video = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isommp41'),
  randomBytes(2 * 1024 * 1024),
]);

beforeAll(async () => {
  h = await createWebHarness({ VIDEO_UPLOAD_MAX_BYTES: String(MAX) });
  tus = createTusUploadServer(h.services);
});
afterAll(async () => {
  await h?.close();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const call = (url: string, method: string, headers: Record<string, string>, body?: BodyInit) =>
  tusRequest(tus, url, method, headers, body);

/** Sends `data` in 64 KB packets, then fails, as a connection that drops mid-upload. */
function droppingAfter(data: Buffer): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    async pull(controller) {
      await new Promise((r) => setTimeout(r, 1));
      if (offset >= data.length) return controller.error(new Error('connection reset'));
      controller.enqueue(new Uint8Array(data.subarray(offset, (offset += 64 * 1024))));
    },
  });
}

async function create(auth: Record<string, string>, length: number) {
  return call(TUS_PATH, 'POST', {
    ...auth,
    'upload-length': String(length),
    'upload-metadata': `filename ${b64('long trip.mp4')},filetype ${b64('video/mp4')},ownerId ${b64('forged')}`,
  });
}

describe('resumable uploads (tus)', () => {
  it('an upload interrupted halfway resumes where it stopped and gives a byte-identical blob', async () => {
    const { auth } = await h.createUserWithKey();
    const created = await create(auth, video.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location).toContain(TUS_PATH);

    const half = Math.floor(video.length / 2);
    await call(
      location,
      'PATCH',
      { ...auth, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      droppingAfter(video.subarray(0, half)),
    ).catch(() => undefined);

    const head = await call(location, 'HEAD', auth);
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(half);

    const done = await call(
      location,
      'PATCH',
      { ...auth, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      new Uint8Array(video.subarray(offset)),
    );
    expect(done.status).toBe(204);
    const mediaId = done.headers.get('upload-media-id')!;
    const media = await h.db.media.findUniqueOrThrow({ where: { id: mediaId } });
    expect(media).toMatchObject({ kind: 'VIDEO', originalName: 'long trip.mp4' });
    expect(media.sha256).toBe(createHash('sha256').update(video).digest('hex'));
    expect((await h.services.storage.read(media.storageKey)).equals(video)).toBe(true);
    // Moved into storage (or copied, on another filesystem): neither the file nor its metadata is left.
    const uploadId = new URL(location, 'http://x').pathname.split('/').pop()!;
    expect((await readdir(tus.directory)).filter((f) => f.startsWith(uploadId))).toEqual([]);
  });

  it('needs auth, keeps uploads private to their owner, and refuses past the size limit', async () => {
    const owner = await h.createUserWithKey();
    const stranger = await h.createUserWithKey();
    expect((await create({}, 10)).status).toBe(401);
    const created = await create(owner.auth, video.length);
    const location = created.headers.get('location')!;
    expect((await call(location, 'HEAD', stranger.auth)).status).toBe(404);
    const patched = await call(
      location,
      'PATCH',
      { ...stranger.auth, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      new Uint8Array(video.subarray(0, 10)),
    );
    expect(patched.status).toBe(404);
    const tooBig = await create(owner.auth, MAX + 1);
    expect(tooBig.status).toBe(413);
  });

  it('refuses past the storage quota, at creation and at completion when the room went meanwhile', async () => {
    const owner = await h.createUserWithKey();
    const where = { id: owner.user.id };
    await h.db.user.update({ where, data: { quotaStorageBytes: BigInt(video.length + 1024) } });
    const refused = await create(owner.auth, video.length + 2048);
    expect(refused.status).toBe(413);
    expect(await refused.text()).toMatch(/storage quota/);

    const created = await create(owner.auth, video.length);
    expect(created.status).toBe(201);
    // Another upload of the same person takes the room while this one is in flight.
    await h.db.user.update({ where, data: { storageBytesUsed: BigInt(video.length) } });
    const done = await call(
      created.headers.get('location')!,
      'PATCH',
      { ...owner.auth, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      new Uint8Array(video),
    );
    expect(done.status).toBe(413);
    expect(await done.text()).toMatch(/does not fit in your storage quota/);
    expect(await h.db.media.count({ where: { ownerId: owner.user.id } })).toBe(0);
  });
});

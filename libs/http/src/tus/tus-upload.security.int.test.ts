import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '@fjord/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebHarness, tusRequest } from '../test/web-test-harness';
import { TUS_PATH, createTusUploadServer } from './tus-upload.server';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let tus: ReturnType<typeof createTusUploadServer>;
const HOUR = 3600 * 1000;

beforeAll(async () => {
  h = await createWebHarness({ VIDEO_UPLOAD_MAX_BYTES: String(1024 * 1024) });
  tus = createTusUploadServer(h.services);
});
afterAll(async () => {
  tus?.close();
  await h?.close();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function createUpload(auth: Record<string, string>, server = tus, extra: Record<string, string> = {}) {
  const res = await tusRequest(server, TUS_PATH, 'POST', {
    ...auth,
    ...extra,
    'upload-length': '1000',
    'upload-metadata': `filename ${b64('clip.mp4')}`,
  });
  expect(res.status).toBe(201);
  const location = res.headers.get('location')!;
  return { location, id: location.slice(location.lastIndexOf('/') + 1) };
}

const patch = (location: string, auth: Record<string, string>, bytes: Uint8Array<ArrayBuffer>, offset = 0) =>
  tusRequest(
    tus,
    location,
    'PATCH',
    {
      ...auth,
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    bytes,
  );

describe('tus: ownership fails closed', () => {
  it('a stranger naming <id>.json (or any other spelling of the id) gets 404 and nothing is deleted', async () => {
    const owner = await h.createUserWithKey();
    const stranger = await h.createUserWithKey();
    const { location, id } = await createUpload(owner.auth);
    expect((await patch(location, owner.auth, new Uint8Array(100))).status).toBe(204);
    const data = path.join(tus.directory, id);
    const meta = `${data}.json`;

    for (const suffix of [
      `${id}.json`,
      `${id}.json/`,
      `${id}%2Ejson`,
      `..%2F${id}`,
      `${id}%00`,
      `${id}?x=1`,
    ]) {
      for (const method of ['DELETE', 'HEAD', 'PATCH'] as const) {
        const res = await tusRequest(
          tus,
          `${TUS_PATH}/${suffix}`,
          method,
          {
            ...stranger.auth,
            ...(method === 'PATCH'
              ? { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }
              : {}),
          },
          method === 'PATCH' ? new Uint8Array(10) : undefined,
        );
        expect([403, 404], `${method} ${suffix}`).toContain(res.status);
      }
    }
    // The owner's own oddly spelled ids are refused the same way: ids are checked before any file is.
    expect((await tusRequest(tus, `${TUS_PATH}/${id}.json`, 'DELETE', owner.auth)).status).toBe(404);
    expect(existsSync(data) && existsSync(meta)).toBe(true);
    expect((await tusRequest(tus, location, 'DELETE', stranger.auth)).status).toBe(404);

    const head = await tusRequest(tus, location, 'HEAD', owner.auth);
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('100');
    expect((await tusRequest(tus, location, 'DELETE', owner.auth)).status).toBe(204);
    expect(existsSync(data) || existsSync(meta)).toBe(false);
  });

  it('metadata whose file is gone refuses everyone (404), the owner included', async () => {
    const owner = await h.createUserWithKey();
    const { location, id } = await createUpload(owner.auth);
    rmSync(path.join(tus.directory, id));
    expect((await tusRequest(tus, location, 'HEAD', owner.auth)).status).toBe(404);
    expect((await tusRequest(tus, location, 'DELETE', owner.auth)).status).toBe(404);
    expect(existsSync(path.join(tus.directory, `${id}.json`))).toBe(true); // left for the sweep
  });
});

describe('tus: Location', () => {
  it('is relative, whatever Host or X-Forwarded-* the client sends', async () => {
    const { auth } = await h.createUserWithKey();
    const { location } = await createUpload(auth, tus, {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'http',
    });
    expect(location).toMatch(/^\/api\/tus\/[0-9a-f]{32}$/);
  });
});

describe('tus: abandoned uploads always expire', () => {
  it('the sweep removes an expired partial upload, a file whose metadata is gone and strays; keeps the rest', async () => {
    const owner = await h.createUserWithKey();
    const old = await createUpload(owner.auth);
    const fresh = await createUpload(owner.auth);
    const orphan = await createUpload(owner.auth);
    const file = (name: string) => path.join(tus.directory, name);

    // `old` was created 25 h ago (tus's own clock is the creation date in its metadata).
    const meta = JSON.parse(readFileSync(file(`${old.id}.json`), 'utf8')) as { creation_date: string };
    meta.creation_date = new Date(Date.now() - 25 * HOUR).toISOString();
    writeFileSync(file(`${old.id}.json`), JSON.stringify(meta));
    // Expired for tus too: its owner is told so (410), not given the bytes back.
    expect((await tusRequest(tus, old.location, 'HEAD', owner.auth)).status).toBe(410);
    // `orphan` lost its metadata an hour ago: no request can ever reach its file again.
    rmSync(file(`${orphan.id}.json`));
    const anHourAgo = new Date(Date.now() - HOUR);
    utimesSync(file(orphan.id), anHourAgo, anHourAgo);
    writeFileSync(file('stray.tmp'), 'x');
    utimesSync(file('stray.tmp'), anHourAgo, anHourAgo);

    const removed = await tus.sweep();
    expect(removed.sort()).toEqual([old.id, `${old.id}.json`, orphan.id, 'stray.tmp'].sort());
    expect(existsSync(file(fresh.id)) && existsSync(file(`${fresh.id}.json`))).toBe(true);
    expect((await tusRequest(tus, fresh.location, 'HEAD', owner.auth)).status).toBe(200);
  });

  it('runs by itself every TUS_CLEANUP_INTERVAL_MS', async () => {
    const periodic = createTusUploadServer({
      ...h.services,
      config: { ...h.config, TUS_CLEANUP_INTERVAL_MS: 50 },
    });
    try {
      const orphan = path.join(periodic.directory, 'a'.repeat(32));
      writeFileSync(orphan, 'partial bytes');
      const longAgo = new Date(Date.now() - 2 * HOUR);
      utimesSync(orphan, longAgo, longAgo);
      await waitFor(() => !existsSync(orphan), { timeoutMs: 5_000, message: 'orphan removed by the timer' });
    } finally {
      periodic.close();
    }
  });
});

describe('tus: bounded disk', () => {
  it('a user holds at most TUS_MAX_OPEN_UPLOADS_PER_USER unfinished uploads (429 past it)', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fjord-tus-cap-'));
    const capped = createTusUploadServer({
      ...h.services,
      config: { ...h.config, dataDir, TUS_MAX_OPEN_UPLOADS_PER_USER: 2 },
    });
    try {
      const owner = await h.createUserWithKey();
      const other = await h.createUserWithKey();
      const first = await createUpload(owner.auth, capped);
      await createUpload(owner.auth, capped);
      const third = await tusRequest(capped, TUS_PATH, 'POST', { ...owner.auth, 'upload-length': '10' });
      expect(third.status).toBe(429);
      expect(((await third.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      await createUpload(other.auth, capped); // someone else's count is their own
      expect((await tusRequest(capped, first.location, 'DELETE', owner.auth)).status).toBe(204);
      await createUpload(owner.auth, capped);
    } finally {
      capped.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('tus: error bodies', () => {
  it('never carry a path of the data dir or an internal message, even when the disk fails', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fjord-tus-broken-'));
    const broken = createTusUploadServer({ ...h.services, config: { ...h.config, dataDir } });
    try {
      await waitFor(() => existsSync(broken.directory) && statSync(broken.directory).isDirectory());
      // The upload directory becomes a plain file: every write under it fails with an errno naming the path.
      rmSync(broken.directory, { recursive: true });
      writeFileSync(broken.directory, 'not a directory');
      const { auth } = await h.createUserWithKey();
      const bodies: string[] = [];
      const created = await tusRequest(broken, TUS_PATH, 'POST', {
        ...auth,
        'upload-length': '10',
        'upload-metadata': `filename ${b64('x.mp4')}`,
      });
      expect(created.status).toBe(500);
      bodies.push(await created.text());
      for (const method of ['HEAD', 'DELETE']) {
        const res = await tusRequest(broken, `${TUS_PATH}/${'b'.repeat(32)}`, method, auth);
        expect(res.status).toBe(404);
        bodies.push(await res.text());
      }
      const res = await tusRequest(broken, `${TUS_PATH}/${'b'.repeat(32)}.json`, 'DELETE', auth);
      bodies.push(await res.text());
      expect(JSON.parse(bodies[0]!)).toEqual({
        error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' },
      });
      for (const body of bodies) {
        expect(body).not.toContain(dataDir);
        expect(body).not.toMatch(/EEXIST|ENOTDIR|ENOENT|\/tmp\//);
      }
    } finally {
      broken.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

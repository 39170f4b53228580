import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, SESSION_COOKIE_NAME } from '@fjord/auth';
import { readTar } from '@fjord/ingest/testing';
import { createWebHarness, TINY_PNG, withContract } from '../test/web-test-harness';
import { createExportHandler } from './export.handler';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let exportAccount: (req: Request) => Promise<Response>;
const url = 'http://localhost:3000/api/v1/export';

beforeAll(async () => {
  h = await createWebHarness();
  exportAccount = withContract(createExportHandler(h.services));
});
afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/export', () => {
  it('streams the caller’s own account as a tar, by API key with account:export or by session', async () => {
    const { user, auth } = await h.createUserWithKey({ scopes: ['account:export'] });
    const other = await h.createUserWithKey({ scopes: ['account:export'] });
    const media = await h.services.ingest.ingestUpload({
      ownerId: user.id,
      filename: 'a.png',
      body: TINY_PNG,
    });
    await h.services.ingest.ingestUpload({ ownerId: other.user.id, filename: 'b.png', body: TINY_PNG });

    const res = await exportAccount(new Request(url, { headers: auth }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="fjord-export-/);
    const files = readTar(Buffer.from(await res.arrayBuffer()));
    expect(files.map((f) => f.name)).toEqual(['account.json', `media/${media.id}/original.png`]);
    expect(JSON.parse(files[0]!.body.toString()).account.id).toBe(user.id);
    expect(files[1]!.body).toEqual(TINY_PNG);

    const { token } = await createSession(h.db, { userId: other.user.id });
    const bySession = await exportAccount(
      new Request(url, { headers: { cookie: `${SESSION_COOKIE_NAME}=${token}` } }),
    );
    expect(bySession.status).toBe(200);
    const theirs = readTar(Buffer.from(await bySession.arrayBuffer()));
    expect(JSON.parse(theirs[0]!.body.toString()).account.id).toBe(other.user.id);
    expect(theirs.map((f) => f.name).join()).not.toContain(media.id);
    expect(await h.db.auditLog.count({ where: { action: 'user.export', actorId: user.id } })).toBe(1);
  });

  it('refuses without credentials and a key without the scope', async () => {
    const { auth } = await h.createUserWithKey({ scopes: ['media:read', 'media:write', 'webhooks:manage'] });
    expect((await exportAccount(new Request(url))).status).toBe(401);
    const res = await exportAccount(new Request(url, { headers: auth }));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
  });
});

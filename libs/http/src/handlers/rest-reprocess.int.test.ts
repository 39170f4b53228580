import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaJobId } from '@fjord/queue';
import { createRestHandlers } from '../rest-handlers';
import { createWebHarness, multipart, TINY_PNG } from '../test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let rest: ReturnType<typeof createRestHandlers>;
const BASE = 'http://localhost:3000';

beforeAll(async () => {
  h = await createWebHarness();
  rest = h.rest;
});
afterAll(async () => {
  await h?.close();
});

const reprocess = (id: string, headers: Record<string, string>) =>
  rest.reprocessMedia(new Request(`${BASE}/api/v1/media/${id}/reprocess`, { method: 'POST', headers }), id);
const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string } }).error;

describe('POST /api/v1/media/:id/reprocess', () => {
  it('refuses while the flow runs (409), queues a finished media again (202), owner only', async () => {
    const { auth } = await h.createUserWithKey();
    const created = await rest.createMedia(
      new Request(`${BASE}/api/v1/media`, {
        method: 'POST',
        body: multipart(TINY_PNG, 'dot.png', 'image/png'),
        headers: auth,
      }),
    );
    const { id } = (await created.json()) as { id: string };

    // No workers run here: the flow just queued is still pending.
    const busy = await reprocess(id, auth);
    expect(busy.status).toBe(409);
    expect(await errorOf(busy)).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/still being processed/),
    });

    // The flow finished (failed) and its jobs aged out of Redis.
    await h.db.media.update({
      where: { id },
      data: { status: 'FAILED', error: 'corrupt', finishedAt: new Date() },
    });
    await h.services.admin.queueAdmin.removeJob(mediaJobId(id, 'notify'));
    expect(await h.services.queues.db.getJob(mediaJobId(id, 'finalize'))).toBeUndefined();

    const stranger = await h.createUserWithKey();
    expect((await reprocess(id, stranger.auth)).status).toBe(404);
    const admin = await h.createUserWithKey({ role: 'ADMIN' });
    expect((await reprocess(id, admin.auth)).status).toBe(404);
    expect(await h.services.queues.db.getJob(mediaJobId(id, 'finalize'))).toBeUndefined();

    const res = await reprocess(id, auth);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      id,
      status: 'QUEUED',
      links: { self: `${BASE}/api/v1/media/${id}` },
    });
    expect(await h.db.media.findUnique({ where: { id }, select: { status: true, error: true } })).toEqual({
      status: 'QUEUED',
      error: null,
    });
    expect(await h.services.queues.db.getJob(mediaJobId(id, 'finalize'))).toBeDefined();
    expect((await reprocess(id, auth)).status).toBe(409);
    expect((await reprocess('00000000-0000-4000-8000-000000000000', auth)).status).toBe(404);
  });
});

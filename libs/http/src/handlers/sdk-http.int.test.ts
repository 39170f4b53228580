import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaJobId } from '@fjord/queue';
import { createFjordClient, FjordApiError } from '@fjord/sdk';
import { createRestHandlers } from '../rest-handlers';
import { createWebHarness, TINY_PNG } from '../test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let server: http.Server;
let baseUrl: string;

/** The REST route table as Next mounts it, behind a real HTTP listener so the SDK uses real fetch. */
function route(rest: ReturnType<typeof createRestHandlers>, req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  const id = pathname.split('/')[4] ?? '';
  const key = `${req.method} ${pathname.replace(/\/api\/v1\/(media|webhooks)\/[^/]+/, '/api/v1/$1/:id')}`;
  const table: Record<string, () => Promise<Response>> = {
    'POST /api/v1/media': () => rest.createMedia(req),
    'GET /api/v1/media': () => rest.listMedia(req),
    'GET /api/v1/media/:id': () => rest.getMedia(req, id),
    'GET /api/v1/media/:id/renditions': () => rest.listRenditions(req, id),
    'GET /api/v1/media/:id/image-url': () => rest.imageUrl(req, id),
    'POST /api/v1/media/:id/reprocess': () => rest.reprocessMedia(req, id),
    'POST /api/v1/webhooks': () => rest.webhooks.createWebhook(req),
    'GET /api/v1/webhooks': () => rest.webhooks.listWebhooks(req),
    'DELETE /api/v1/webhooks/:id': () => rest.webhooks.deleteWebhook(req, id),
  };
  return table[key]?.() ?? Promise.resolve(new Response('no route', { status: 404 }));
}

beforeAll(async () => {
  h = await createWebHarness();
  const rest = h.rest;
  server = http.createServer(async (req, res) => {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'DELETE';
    const request = new Request(`http://localhost:3000${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      duplex: 'half',
    } as RequestInit);
    const response = await route(rest, request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await h?.close();
});

describe('@fjord/sdk over real HTTP', () => {
  it('uploads, lists, gets, waits until ready and lists signed renditions', async () => {
    const { key } = await h.createUserWithKey();
    const client = createFjordClient({ baseUrl, apiKey: key });
    const created = await client.uploadMedia({
      file: TINY_PNG,
      filename: 'dot.png',
      contentType: 'image/png',
      idempotencyKey: 'sdk-1',
    });
    expect(created.status).toBe('QUEUED');
    expect(
      (
        await client.uploadMedia({
          file: TINY_PNG,
          filename: 'dot.png',
          contentType: 'image/png',
          idempotencyKey: 'sdk-1',
        })
      ).id,
    ).toBe(created.id);
    expect((await client.listMedia({ status: 'QUEUED' })).items.map((m) => m.id)).toEqual([created.id]);

    const waiting = client.waitUntilReady(created.id, { intervalMs: 50, timeoutMs: 5_000 });
    await h.db.media.update({ where: { id: created.id }, data: { status: 'READY', finishedAt: new Date() } });
    const ready = await waiting;
    expect(ready.status).toBe('READY');
    expect((await client.listRenditions(created.id)).items).toEqual([]);
    const minted = await client.getImageUrl(created.id, { preset: 'thumb', format: 'webp' });
    expect(minted.url).toMatch(new RegExp(`/img/[\\w-]{43}/preset:thumb,f:webp,exp:\\d+/${created.id}$`));
    expect(Date.parse(minted.expiresAt)).toBeGreaterThan(Date.now());
    const hostile = await client.getImageUrl(created.id, { width: 99_999 }).catch((e: unknown) => e);
    expect(hostile).toMatchObject({ status: 400, code: 'bad_request' });

    // Its flow is still in Redis and not finished (no workers here): reprocess is refused.
    const refused = await client.reprocess(created.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 409, code: 'conflict', message: expect.stringMatching(/still/) });
  });

  it('manages webhooks and raises FjordApiError with the API’s code', async () => {
    const { key } = await h.createUserWithKey({ scopes: ['webhooks:manage'] });
    const client = createFjordClient({ baseUrl, apiKey: key });
    const hook = await client.createWebhook({ url: 'https://93.184.216.34/h', events: ['media.ready'] });
    expect((await client.listWebhooks()).items.map((w) => w.id)).toEqual([hook.id]);
    await client.deleteWebhook(hook.id);
    const err = await client.listMedia().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FjordApiError);
    expect(err).toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('the CLI (npm run fjord -- upload|status|list) through the SDK', () => {
  it('uploads a file, shows its status and lists it', async () => {
    const { key } = await h.createUserWithKey();
    const file = path.join(os.tmpdir(), `fjord-cli-${process.pid}.png`);
    writeFileSync(file, TINY_PNG);
    const root = path.resolve(import.meta.dirname, '../../../..');
    const cli = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'apps/cli/src/main.ts', ...args, '--url', baseUrl],
        {
          cwd: root,
          env: { ...process.env, FJORD_API_KEY: key, LOG_LEVEL: 'silent' },
        },
      );
    const uploaded = await cli('upload', file);
    const id = /: ([0-9a-f-]{36}) QUEUED/.exec(uploaded.stdout)?.[1];
    expect(id).toBeDefined();
    expect((await cli('status', id!)).stdout).toMatch(new RegExp(`^${id}\\s+QUEUED`));
    expect((await cli('list')).stdout).toContain(id);
    // Its flow is still pending (no workers here): reprocess is refused with the API's message.
    await expect(cli('reprocess', id!)).rejects.toMatchObject({
      stderr: expect.stringMatching(/still being processed/),
    });
    await h.db.media.update({ where: { id: id! }, data: { status: 'FAILED', finishedAt: new Date() } });
    await h.services.admin.queueAdmin.removeJob(mediaJobId(id!, 'notify'));
    expect((await cli('reprocess', id!)).stdout).toBe(`${id}: QUEUED\n`);
  });
});

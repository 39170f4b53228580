import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '@fjord/auth';
import {
  closeWebServices,
  createWebHttp,
  createWebServices,
  type WebHttp,
  type WebServices,
} from '@fjord/http';
import { createWebHarness, multipart, TINY_PNG, tusRequest } from '@fjord/http/testing';
import { createDbClient, isDatabaseReachable, type DbClient } from '@fjord/db';
import { UNAVAILABLE_MESSAGE } from '@fjord/errors';
import { QueueName, runWorker, type RunningWorker } from '@fjord/queue';
import { closedLoopbackPort, silentLogger, testConfig } from '@fjord/testing';
import { startTcpProxy, type TcpProxy } from '../pipeline/tcp-proxy';

const BASE = 'http://localhost:3000';
const SAME_ORIGIN = { origin: BASE, host: 'localhost:3000' };

// Web's Postgres behind a loopback proxy the test cuts: every entry point that needs the database
// (REST, tus, tRPC with a session, a public tRPC procedure) answers 503 `unavailable` + Retry-After, never
// a 500, and works again once the proxy is back. A worker's /health/ready says not ready meanwhile.
describe('Postgres unreachable: REST, tus and tRPC answer 503 + Retry-After; workers are not ready', () => {
  let h: Awaited<ReturnType<typeof createWebHarness>>;
  let proxy: TcpProxy;
  let services: WebServices;
  let http: WebHttp;
  let auth: { authorization: string };
  let cookie: string;
  let workerDb: DbClient;
  let worker: RunningWorker;
  let healthPort: number;

  beforeAll(async () => {
    h = await createWebHarness();
    const owner = await h.createUserWithKey();
    auth = owner.auth;
    cookie = `fjord_session=${(await createSession(h.db, { userId: owner.user.id })).token}`;
    const url = new URL(h.config.DATABASE_URL);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    services = createWebServices(
      testConfig({ DATABASE_URL: url.toString(), QUEUE_PREFIX: h.config.QUEUE_PREFIX }),
    );
    http = createWebHttp(services);
    // A worker as the apps wire it: its readiness includes its Postgres (through the same proxy).
    workerDb = createDbClient({ url: url.toString(), max: 2 });
    healthPort = await closedLoopbackPort();
    worker = await runWorker({
      queueName: QueueName.webhooks,
      processor: async () => undefined,
      concurrency: 1,
      config: h.config,
      logger: silentLogger,
      healthPort,
      isDependencyReady: () => isDatabaseReachable(workerDb),
    });
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await workerDb?.$disconnect();
    await http?.close();
    if (services) await closeWebServices(services);
    await proxy?.close();
    await h?.close();
  });

  const requests = {
    rest: () =>
      http.rest.createMedia(
        new Request(`${BASE}/api/v1/media`, {
          method: 'POST',
          headers: auth,
          body: multipart(TINY_PNG, 'beach.png', 'image/png'),
        }),
      ),
    tus: () =>
      tusRequest({ handle: http.tus }, '/api/tus', 'POST', {
        ...auth,
        'upload-length': String(TINY_PNG.length),
        'upload-metadata': `filename ${Buffer.from('beach.png').toString('base64')}`,
      }),
    trpcSession: () =>
      http.trpc(
        new Request(`${BASE}/api/trpc/media.list?input=${encodeURIComponent('{}')}`, {
          headers: { ...SAME_ORIGIN, cookie },
        }),
      ),
    trpcPublic: () =>
      http.trpc(
        new Request(`${BASE}/api/trpc/auth.signIn`, {
          method: 'POST',
          headers: { ...SAME_ORIGIN, 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password-1' }),
        }),
      ),
  };

  const ready = async () => {
    const startedAt = Date.now();
    const res = await fetch(`http://127.0.0.1:${healthPort}/health/ready`);
    return { status: res.status, ms: Date.now() - startedAt };
  };

  it('while cut: 503 + Retry-After on every path, no internal text; after the restore: answered again', async () => {
    expect((await ready()).status).toBe(200);
    await proxy.cut();
    const notReady = await ready();
    expect(notReady.status).toBe(503);
    expect(notReady.ms).toBeLessThan(1_500); // the probe's bound
    console.log(`[postgres-answers] worker /health/ready 503 in ${notReady.ms} ms`);
    for (const [name, send] of Object.entries(requests)) {
      const res = await send();
      const { error } = (await res.json()) as {
        error: { code?: string; message: string; data?: { appCode?: string } };
      };
      expect({ name, status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({
        name,
        status: 503,
        retryAfter: '5',
      });
      // REST and tus: `{ error: { code, message } }`; tRPC: its envelope with our appCode.
      expect({ name, code: error.data?.appCode ?? error.code, message: error.message }).toEqual({
        name,
        code: 'unavailable',
        message: UNAVAILABLE_MESSAGE,
      });
    }

    // Stalled rather than refused (a Postgres that accepts and never answers): still bounded.
    await proxy.restore();
    proxy.stall();
    const stalled = await ready();
    expect(stalled.status).toBe(503);
    expect(stalled.ms).toBeLessThan(1_500);
    console.log(`[postgres-answers] stalled: worker /health/ready 503 in ${stalled.ms} ms`);
    await proxy.cut(); // drops the stalled connections
    await proxy.restore();
    proxy.unstall();
    await expect.poll(async () => (await ready()).status, { timeout: 10_000 }).toBe(200);
    expect((await requests.rest()).status).toBe(202);
    expect((await requests.tus()).status).toBe(201);
    expect((await requests.trpcSession()).status).toBe(200);
    expect((await requests.trpcPublic()).status).toBe(401);
  }, 60_000);
});

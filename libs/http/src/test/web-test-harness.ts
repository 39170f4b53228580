import { createOpenApiContract } from '@fjord/api/testing';
import { createApiKey } from '@fjord/auth';
import { createTestDatabase, createTestUser, testConfig } from '@fjord/testing';
import { createFilesHandler } from '../handlers/files.handler';
import { createHealthHandlers, healthLive } from '../handlers/health.handler';
import { createStreamUploadHandler } from '../handlers/stream-upload.handler';
import { createRestHandlers } from '../rest-handlers';
import { closeWebServices, createWebServices } from '../services';

const contract = createOpenApiContract();

type Handler = (req: Request, ...args: never[]) => Promise<Response>;

/**
 * Every response `handler` gives is checked against the OpenAPI document (status declared, body valid)
 * before the test sees it, so a handler that drifts from its schema fails whichever test calls it.
 */
export function withContract<T extends Handler>(handler: T): T {
  return (async (req: Request, ...args: never[]) => {
    const response = await handler(req, ...args);
    await contract.assertResponseMatches({ method: req.method, url: req.url, response });
    return response;
  }) as T;
}

function withContractDeep<T extends object>(handlers: T): T {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, value]) => [
      name,
      typeof value === 'function' ? withContract(value as Handler) : withContractDeep(value as object),
    ]),
  ) as T;
}

/** /api/health/*, each response checked against the OpenAPI document (the handlers take no request). */
export function withHealthContract(handlers: ReturnType<typeof createHealthHandlers>) {
  const at = (path: string) => new Request(`http://localhost:3000${path}`);
  return {
    live: () => withContract(async (_req: Request) => healthLive())(at('/api/health/live')),
    ready: () => withContract((_req: Request) => handlers.ready())(at('/api/health/ready')),
  };
}

/** The web app's real wiring (createWebServices) on a fresh database and a unique Redis prefix. */
export async function createWebHarness(overrides: Record<string, string> = {}) {
  const database = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: database.url, ...overrides });
  const services = createWebServices(config);

  async function createUserWithKey(opts: { role?: 'USER' | 'ADMIN'; scopes?: string[] } = {}) {
    const user = await createTestUser(services.db, { role: opts.role ?? 'USER' });
    const { key } = await createApiKey({
      db: services.db,
      userId: user.id,
      name: 'test',
      scopes: opts.scopes,
    });
    return { user, key, auth: { authorization: `Bearer ${key}` } };
  }

  async function close() {
    for (const q of [
      services.queues.transcode,
      services.queues.db,
      services.queues.email,
      services.queues.maintenance,
      services.queues.webhooks,
    ]) {
      await q.obliterate({ force: true }).catch(() => undefined);
    }
    // The auth throttles' buckets (they expire anyway; leave nothing under this prefix).
    const redis = services.queues.connection;
    let cursor = '0';
    for (let round = 0; round < 1000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.QUEUE_PREFIX}:auth-throttle:*`);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    await closeWebServices(services);
    await database.drop();
  }

  const files = withContract(createFilesHandler(services));

  /** GET a link as a client would follow it: only a path Next routes to /files/[mediaId]/[name] answers. */
  function followFileLink(url: string, headers: Record<string, string> = {}) {
    const match = /^\/files\/([^/]+)\/([^/]+)$/.exec(new URL(url).pathname);
    if (!match) throw new Error(`${url} is not a route of the app (/files/[mediaId]/[name])`);
    return files(new Request(url, { headers }), {
      mediaId: decodeURIComponent(match[1]!),
      name: decodeURIComponent(match[2]!),
    });
  }

  return {
    services,
    config,
    db: services.db,
    /** The REST v1 handlers, each response checked against the OpenAPI document. */
    rest: withContractDeep(createRestHandlers(services)),
    /** GET/HEAD /files, each response checked against the OpenAPI document. */
    files,
    /** POST /api/uploads, each response checked against the OpenAPI document. */
    uploads: withContract(createStreamUploadHandler(services)),
    health: withHealthContract(createHealthHandlers(services)),
    followFileLink,
    createUserWithKey,
    close,
  };
}

export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A tus 1.0 request (a path under the test origin, or a Location it answered) with Tus-Resumable set. */
export function tusRequest(
  tus: { handle(req: Request): Promise<Response> },
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: BodyInit,
): Promise<Response> {
  const headersWithVersion = { 'tus-resumable': '1.0.0', ...headers };
  const absolute = url.startsWith('http') ? url : `http://localhost:3000${url}`;
  return tus.handle(
    new Request(absolute, { method, headers: headersWithVersion, body, duplex: 'half' } as RequestInit),
  );
}

export function multipart(bytes: Buffer, name: string, type: string): FormData {
  const form = new FormData();
  form.append('file', new File([new Uint8Array(bytes)], name, { type }));
  return form;
}

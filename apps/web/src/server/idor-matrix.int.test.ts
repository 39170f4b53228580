import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMediaForViewer, mediaFileUrl } from '@fjord/api';
import { createOpenApiContract } from '@fjord/api/testing';
import { API_KEY_SCOPES, createApiKey, createSession, signFilePath, verifyApiKey } from '@fjord/auth';
import { mediaJobId } from '@fjord/queue';
import { createTestUser } from '@fjord/testing';
import { createWebhookService } from '@fjord/webhooks';
import {
  APP_DIR,
  listPageFiles,
  listProcedures,
  listRouteFiles,
  loadRoute,
  type HttpMethod,
} from './test/app-inventory';
import { createWebHarness, TINY_PNG } from './test/web-test-harness';

/**
 * IDOR matrix: every route, page and procedure that takes an id, tried by someone who must not get in —
 * another user (404: whether the object exists does not leak), a USER on admin procedures (403), an API
 * key without the scope (403), forged or misused signed URLs (403). Requests go through the real route
 * modules (apps/web/src/app/**\/route.ts) on real Postgres/Redis, so a route is tested as Next mounts it.
 * Adding a route, page or procedure that takes an id without a row here fails the inventory test below.
 */

const BASE = 'http://localhost:3000';
const SAME_ORIGIN = { origin: BASE, host: 'localhost:3000' };

let h: Awaited<ReturnType<typeof createWebHarness>>;
const contract = createOpenApiContract();
type Auth = Record<string, string>;
const w = {} as {
  owner: {
    id: string;
    session: Auth;
    key: Auth;
    keyId: string;
    readOnlyKey: Auth;
    webhooksOnlyKey: Auth;
    mediaOnlyKey: Auth;
  };
  stranger: { id: string; session: Auth; key: Auth; adminKey: Auth };
  mediaId: string;
  otherMediaId: string;
  webhookId: string;
  deliveryId: string;
  uploadId: string;
  uploadOffset: number;
  signed: (mediaId: string, name: string, expiresAt?: Date) => string;
};

const bearer = (key: string): Auth => ({ authorization: `Bearer ${key}` });
const cookieOf = (token: string): Auth => ({ cookie: `fjord_session=${token}` });

/** A request through the route module Next would load for `routePath`, its params as Next passes them. */
async function callRoute(
  routePath: string,
  method: HttpMethod,
  url: string,
  init: { headers?: Auth; body?: BodyInit; params?: Record<string, string> } = {},
): Promise<Response> {
  const handler = (await loadRoute(routePath))[method];
  if (!handler) throw new Error(`${routePath} exports no ${method}`);
  const req = new Request(`${BASE}${url}`, {
    method,
    headers: init.headers,
    body: init.body,
    duplex: 'half',
  } as RequestInit);
  const response = await handler(req, { params: Promise.resolve(init.params ?? {}) });
  // The refusals are part of the contract too: a status or body the OpenAPI document does not declare fails.
  if (!routePath.startsWith('/api/trpc')) {
    await contract.assertResponseMatches({ method, url: req.url, response });
  }
  return response;
}

type ProcedureType = 'query' | 'mutation' | 'subscription';

/** A tRPC call over HTTP through /api/trpc/[trpc]: GET for queries and subscriptions (SSE), POST for mutations. */
function trpc(name: string, type: ProcedureType, input: unknown, headers: Auth): Promise<Response> {
  const params = { trpc: name };
  if (type === 'mutation') {
    return callRoute('/api/trpc/[trpc]', 'POST', `/api/trpc/${name}`, {
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(input ?? null),
      params,
    });
  }
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return callRoute('/api/trpc/[trpc]', 'GET', `/api/trpc/${name}${query}`, {
    headers: type === 'subscription' ? { ...headers, accept: 'text/event-stream' } : headers,
    params,
  });
}

/** What the caller learnt: the HTTP status and error code, or for SSE the first event (bounded in time and size). */
async function outcome(res: Response): Promise<{ status: number; code: string | null; leaked?: string }> {
  if (!res.headers.get('content-type')?.includes('text/event-stream')) {
    const text = res.status === 204 || !res.body ? '' : await res.text();
    let code: string | null = null;
    try {
      const err = (JSON.parse(text) as { error?: { code?: unknown; data?: { code?: string } } }).error;
      code = err?.data?.code ?? (typeof err?.code === 'string' ? err.code : null);
    } catch {
      /* not JSON: tus answers some refusals in plain text */
    }
    return { status: res.status, code };
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 5_000;
  try {
    while (Date.now() < deadline && text.length < 65_536) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ done: true; value: undefined }>((r) =>
          setTimeout(() => r({ done: true, value: undefined }), 5_000),
        ),
      ]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      const error = /event: serialized-error\ndata: (.*)\n/.exec(text);
      if (error) {
        const shape = JSON.parse(error[1]!) as { data: { code: string; httpStatus: number } };
        return { status: shape.data.httpStatus, code: shape.data.code };
      }
      const data = /^data: (.*)$/m.exec(text.replace(/^event: (ping|connected).*\n(data: .*\n)?/gm, ''));
      if (data) return { status: 200, code: null, leaked: data[1] };
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return { status: 200, code: null, leaked: text };
}

type Row = {
  /** What the row covers: `trpc <procedure>`, `<METHOD> <route path>`, `page <path>`. */
  covers: string[];
  as: string;
  send: () => Promise<Response>;
  status: number;
  code?: string;
};

const NOT_FOUND = { status: 404, code: 'NOT_FOUND' } as const;
const FORBIDDEN = { status: 403, code: 'FORBIDDEN' } as const;

function procedureRows(): Row[] {
  const trpcCovers = (name: string, type: ProcedureType) => [
    `trpc ${name}`,
    `${type === 'mutation' ? 'POST' : 'GET'} /api/trpc/[trpc]`,
  ];
  const strangerTries = (name: string, type: ProcedureType, input: () => unknown): Row => ({
    covers: trpcCovers(name, type),
    as: 'another user (session)',
    send: () => trpc(name, type, input(), w.stranger.session),
    ...NOT_FOUND,
  });
  const rows: Row[] = [
    strangerTries('media.byId', 'query', () => ({ id: w.mediaId })),
    strangerTries('media.status', 'subscription', () => ({ id: w.mediaId })),
    strangerTries('media.delete', 'mutation', () => ({ id: w.mediaId })),
    strangerTries('apiKeys.revoke', 'mutation', () => ({ id: w.owner.keyId })),
    strangerTries('webhooks.remove', 'mutation', () => ({ id: w.webhookId })),
    strangerTries('webhooks.deliveries', 'query', () => ({ id: w.webhookId })),
    strangerTries('webhooks.redeliver', 'mutation', () => ({ id: w.deliveryId })),
    {
      // tRPC is the browser's API: a Bearer key is not a session there, even the owner's own.
      covers: trpcCovers('media.byId', 'query'),
      as: "the owner's API key (tRPC takes sessions only)",
      send: () => trpc('media.byId', 'query', { id: w.mediaId }, w.owner.key),
      status: 401,
      code: 'UNAUTHORIZED',
    },
  ];
  // Every admin procedure, as a signed-in USER, with an input it would accept from an admin.
  const adminInputs: Record<string, () => unknown> = {
    'admin.overview': () => undefined,
    'admin.jobs': () => ({ queue: 'db', state: 'waiting-children' }),
    'admin.search': () => ({ q: w.mediaId }),
    'admin.job': () => ({ id: mediaJobId(w.mediaId, 'finalize') }),
    'admin.flow': () => ({ jobId: mediaJobId(w.mediaId, 'finalize') }),
    'admin.workers': () => undefined,
    'admin.audit': () => ({ targetId: w.owner.id }),
    'admin.history': () => ({ sinceHours: 24 }),
    'admin.retryJob': () => ({ id: mediaJobId(w.mediaId, 'finalize') }),
    'admin.retryAllFailed': () => ({ queue: 'transcode' }),
    'admin.removeJob': () => ({ id: mediaJobId(w.mediaId, 'finalize') }),
    'admin.promoteJob': () => ({ id: mediaJobId(w.mediaId, 'finalize') }),
    'admin.pauseQueue': () => ({ queue: 'transcode' }),
    'admin.resumeQueue': () => ({ queue: 'transcode' }),
    'admin.cleanQueue': () => ({ queue: 'db', state: 'completed', olderThanMinutes: 0 }),
    'admin.media': () => ({ ownerEmail: 'user' }),
    'admin.reprocessMedia': () => ({ id: w.mediaId }),
    'admin.deleteMedia': () => ({ id: w.mediaId }),
    'admin.users': () => ({}),
    'admin.setRole': () => ({ id: w.stranger.id, role: 'ADMIN' }),
    'admin.setDisabled': () => ({ id: w.owner.id, isDisabled: true }),
    'admin.apiKeys': () => ({ userId: w.owner.id }),
    'admin.revokeApiKey': () => ({ id: w.owner.keyId }),
  };
  for (const p of listProcedures().filter((x) => x.isAdmin)) {
    const input = adminInputs[p.name];
    if (!input) continue; // the inventory test names it
    rows.push({
      covers: trpcCovers(p.name, p.type as ProcedureType),
      as: 'a signed-in USER',
      send: () => trpc(p.name, p.type as ProcedureType, input(), w.stranger.session),
      ...FORBIDDEN,
    });
  }
  return rows;
}

function restRows(): Row[] {
  const api = (
    method: HttpMethod,
    routePath: string,
    url: () => string,
    params: () => Record<string, string>,
    deniedKey: () => Auth,
    lacking: string,
  ): Row[] => [
    {
      covers: [`${method} ${routePath}`],
      as: 'another user (API key with every scope)',
      send: () => callRoute(routePath, method, url(), { headers: w.stranger.key, params: params() }),
      status: 404,
      code: 'not_found',
    },
    {
      covers: [`${method} ${routePath}`],
      as: `the owner's API key without ${lacking}`,
      send: () => callRoute(routePath, method, url(), { headers: deniedKey(), params: params() }),
      status: 403,
      code: 'forbidden',
    },
  ];
  const media = () => ({ id: w.mediaId });
  const webhook = () => ({ id: w.webhookId });
  return [
    ...api(
      'GET',
      '/api/v1/media/[id]',
      () => `/api/v1/media/${w.mediaId}`,
      media,
      () => w.owner.webhooksOnlyKey,
      'media:read',
    ),
    ...api(
      'DELETE',
      '/api/v1/media/[id]',
      () => `/api/v1/media/${w.mediaId}`,
      media,
      () => w.owner.readOnlyKey,
      'media:write',
    ),
    ...api(
      'GET',
      '/api/v1/media/[id]/renditions',
      () => `/api/v1/media/${w.mediaId}/renditions`,
      media,
      () => w.owner.webhooksOnlyKey,
      'media:read',
    ),
    ...api(
      'POST',
      '/api/v1/media/[id]/reprocess',
      () => `/api/v1/media/${w.mediaId}/reprocess`,
      media,
      () => w.owner.readOnlyKey,
      'media:write',
    ),
    {
      covers: ['POST /api/v1/media/[id]/reprocess'],
      as: "an admin's API key (reprocess is the owner's; admins use the console)",
      send: () =>
        callRoute('/api/v1/media/[id]/reprocess', 'POST', `/api/v1/media/${w.mediaId}/reprocess`, {
          headers: w.stranger.adminKey,
          params: media(),
        }),
      status: 404,
      code: 'not_found',
    },
    {
      covers: ['GET /api/v1/media/[id]'],
      as: "the owner's session cookie (REST takes API keys only)",
      send: () =>
        callRoute('/api/v1/media/[id]', 'GET', `/api/v1/media/${w.mediaId}`, {
          headers: w.owner.session,
          params: media(),
        }),
      status: 401,
      code: 'unauthorized',
    },
    ...api(
      'DELETE',
      '/api/v1/webhooks/[id]',
      () => `/api/v1/webhooks/${w.webhookId}`,
      webhook,
      () => w.owner.mediaOnlyKey,
      'webhooks:manage',
    ),
    ...api(
      'GET',
      '/api/v1/webhooks/[id]/deliveries',
      () => `/api/v1/webhooks/${w.webhookId}/deliveries`,
      webhook,
      () => w.owner.mediaOnlyKey,
      'webhooks:manage',
    ),
    ...api(
      'POST',
      '/api/v1/webhooks/deliveries/[id]/redeliver',
      () => `/api/v1/webhooks/deliveries/${w.deliveryId}/redeliver`,
      () => ({ id: w.deliveryId }),
      () => w.owner.mediaOnlyKey,
      'webhooks:manage',
    ),
  ];
}

function filesRows(): Row[] {
  const route = '/files/[mediaId]/[name]';
  const get =
    (
      method: 'GET' | 'HEAD',
      url: () => string,
      params: () => Record<string, string>,
      headers: () => Auth = () => ({}),
    ) =>
    () =>
      callRoute(route, method, url(), { headers: headers(), params: params() });
  const rendition = () => ({ mediaId: w.mediaId, name: 'thumb-webp' });
  const renditionPath = () => mediaFileUrl(w.mediaId, 'thumb-webp');
  const rows: Row[] = [];
  for (const method of ['GET', 'HEAD'] as const) {
    const covers = [`${method} ${route}`];
    rows.push(
      {
        covers,
        as: 'another user (session)',
        send: get(method, renditionPath, rendition, () => w.stranger.session),
        status: 404,
        code: 'not_found',
      },
      {
        covers,
        as: 'another user (API key)',
        send: get(method, renditionPath, rendition, () => w.stranger.key),
        status: 404,
        code: 'not_found',
      },
      {
        covers,
        as: "the owner's API key without media:read",
        send: get(method, renditionPath, rendition, () => w.owner.webhooksOnlyKey),
        status: 403,
        code: 'forbidden',
      },
    );
  }
  const covers = [`GET ${route}`];
  rows.push(
    {
      covers,
      as: "a valid signature for another media's file",
      send: get(
        'GET',
        () => `${renditionPath()}?${new URL(w.signed(w.otherMediaId, 'thumb-webp')).search.slice(1)}`,
        rendition,
      ),
      status: 403,
      code: 'forbidden',
    },
    {
      covers,
      as: 'a valid signature for the rendition, used on the original',
      send: get(
        'GET',
        () =>
          `${mediaFileUrl(w.mediaId, 'original')}?${new URL(w.signed(w.mediaId, 'thumb-webp')).search.slice(1)}`,
        () => ({
          mediaId: w.mediaId,
          name: 'original',
        }),
      ),
      status: 403,
      code: 'forbidden',
    },
    {
      covers,
      as: 'a tampered signature',
      send: get(
        'GET',
        () => w.signed(w.mediaId, 'thumb-webp').replace(BASE, '').replace(/sig=./, 'sig=A'),
        rendition,
      ),
      status: 403,
      code: 'forbidden',
    },
    {
      covers,
      as: 'a signature with its expiry moved',
      send: get(
        'GET',
        () =>
          w
            .signed(w.mediaId, 'thumb-webp')
            .replace(BASE, '')
            .replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 60}`),
        rendition,
      ),
      status: 403,
      code: 'forbidden',
    },
    {
      covers,
      as: 'an expired signature',
      send: get(
        'GET',
        () => w.signed(w.mediaId, 'thumb-webp', new Date(Date.now() - 1000)).replace(BASE, ''),
        rendition,
      ),
      status: 403,
      code: 'forbidden',
    },
  );
  return rows;
}

function tusRows(): Row[] {
  const route = '/api/tus/[[...path]]';
  const tus = (method: 'HEAD' | 'PATCH' | 'DELETE', id: () => string, headers: () => Auth) => () =>
    callRoute(route, method, `/api/tus/${id()}`, {
      headers: {
        'tus-resumable': '1.0.0',
        ...(method === 'PATCH'
          ? { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(w.uploadOffset) }
          : {}),
        ...headers(),
      },
      body: method === 'PATCH' ? new Uint8Array(randomBytes(512)) : undefined,
      params: { path: id() },
    });
  const rows: Row[] = [];
  for (const method of ['HEAD', 'PATCH', 'DELETE'] as const) {
    const covers = [`${method} ${route}`];
    rows.push(
      {
        covers,
        as: 'another user (API key)',
        send: tus(
          method,
          () => w.uploadId,
          () => w.stranger.key,
        ),
        status: 404,
        code: 'not_found',
      },
      {
        covers,
        as: 'another user (session, same origin)',
        send: tus(
          method,
          () => w.uploadId,
          () => ({ ...w.stranger.session, ...SAME_ORIGIN }),
        ),
        status: 404,
        code: 'not_found',
      },
      {
        covers,
        as: "the owner's API key without media:write",
        send: tus(
          method,
          () => w.uploadId,
          () => w.owner.readOnlyKey,
        ),
        status: 403,
        code: 'forbidden',
      },
    );
  }
  // Last: on main these reach tus' file store unchecked (fixed by the sec-http branch).
  for (const method of ['HEAD', 'PATCH', 'DELETE'] as const) {
    rows.push({
      covers: [`${method} ${route}`],
      as: 'another user, the upload id with a ".json" suffix',
      send: tus(
        method,
        () => `${w.uploadId}.json`,
        () => w.stranger.key,
      ),
      status: 404,
    });
  }
  return rows;
}

/** Routes with an id that no attacker row can reach, each with the reason. */
const NOT_APPLICABLE: Record<string, string> = {
  'POST /api/tus/[[...path]]': 'creates an upload: there is no id yet, and the owner is set by the server',
  'OPTIONS /api/tus/[[...path]]': 'CORS preflight: answers protocol headers, no data',
};

/** Pages are server components (not renderable outside Next): each names the guard it relies on. */
const PAGE_GUARDS: Record<string, { file: string; calls: RegExp }> = {
  '/media/[id]': {
    file: 'media/[id]/page.tsx',
    calls:
      /findMediaForViewer\(\{ db: getServices\(\)\.db, viewer: user, id \}\);\s+if \(!media\) notFound\(\)/,
  },
  '/admin/*': { file: 'admin/layout.tsx', calls: /await requireAdmin\('\/admin'\)/ },
};

const ROWS: Row[] = [...procedureRows(), ...restRows(), ...filesRows(), ...tusRows()];

beforeAll(async () => {
  h = await createWebHarness({ WEBHOOK_ALLOW_PRIVATE: 'true', VIDEO_UPLOAD_MAX_BYTES: String(1024 * 1024) });
  // The route modules find their services here (getServices), as in the running app.
  (globalThis as { __fjordWebServices?: unknown }).__fjordWebServices = h.services;
  const owner = await createTestUser(h.db);
  const stranger = await createTestUser(h.db);
  const strangerAdmin = await createTestUser(h.db, { role: 'ADMIN' });
  const key = (userId: string, scopes?: string[]) => createApiKey({ db: h.db, userId, name: 'idor', scopes });
  const ownerKey = await key(owner.id);
  w.owner = {
    id: owner.id,
    session: cookieOf((await createSession(h.db, { userId: owner.id })).token),
    key: bearer(ownerKey.key),
    keyId: ownerKey.apiKey.id,
    readOnlyKey: bearer((await key(owner.id, ['media:read'])).key),
    webhooksOnlyKey: bearer((await key(owner.id, ['webhooks:manage'])).key),
    mediaOnlyKey: bearer((await key(owner.id, ['media:read', 'media:write'])).key),
  };
  w.stranger = {
    id: stranger.id,
    session: cookieOf((await createSession(h.db, { userId: stranger.id })).token),
    key: bearer((await key(stranger.id, [...API_KEY_SCOPES])).key),
    adminKey: bearer((await key(strangerAdmin.id, [...API_KEY_SCOPES])).key),
  };

  // The owner's finished media with a rendition, and a second one (for signatures of another id).
  const ready = async () => {
    const { id } = await h.services.ingest.ingestUpload({
      ownerId: owner.id,
      filename: 'dot.png',
      body: TINY_PNG,
    });
    await h.services.storage.put(`media/${id}/r/thumb-webp.webp`, Buffer.from('RIFFxxxxWEBP'));
    await h.db.media.update({ where: { id }, data: { status: 'READY', finishedAt: new Date() } });
    await h.db.rendition.create({
      data: {
        mediaId: id,
        name: 'thumb-webp',
        format: 'webp',
        mimeType: 'image/webp',
        width: 1,
        height: 1,
        bytes: 12,
        storageKey: `media/${id}/r/thumb-webp.webp`,
      },
    });
    return id;
  };
  w.mediaId = await ready();
  w.otherMediaId = await ready();
  w.signed = (mediaId, name, expiresAt = new Date(Date.now() + 60_000)) => {
    const filePath = mediaFileUrl(mediaId, name);
    return `${BASE}${filePath}?${signFilePath({ secret: h.services.urlSigningSecret, filePath, expiresAt }).query}`;
  };

  const webhooks = createWebhookService(h.services);
  w.webhookId = (
    await webhooks.createEndpoint({
      userId: owner.id,
      url: 'http://127.0.0.1:9/hook',
      events: ['media.ready'],
    })
  ).endpoint.id;
  w.deliveryId = (
    await h.db.webhookDelivery.create({
      data: {
        endpointId: w.webhookId,
        eventId: `media.${w.mediaId}.ready`,
        event: 'media.ready',
        payload: {},
      },
    })
  ).id;

  // The owner's resumable upload, part-way through.
  const tusHeaders = { 'tus-resumable': '1.0.0', ...w.owner.key };
  const created = await callRoute('/api/tus/[[...path]]', 'POST', '/api/tus', {
    headers: {
      ...tusHeaders,
      'upload-length': String(64 * 1024),
      'upload-metadata': `filename ${Buffer.from('trip.mp4').toString('base64')}`,
    },
  });
  expect(created.status).toBe(201);
  w.uploadId = new URL(created.headers.get('location')!, BASE).pathname.split('/').pop()!;
  const patched = await callRoute('/api/tus/[[...path]]', 'PATCH', `/api/tus/${w.uploadId}`, {
    headers: { ...tusHeaders, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
    body: new Uint8Array(
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), randomBytes(1012)]),
    ),
  });
  expect(patched.status).toBe(204);
  w.uploadOffset = Number(patched.headers.get('upload-offset'));
  expect(w.uploadOffset).toBe(1024);
});

afterAll(async () => {
  delete (globalThis as { __fjordWebServices?: unknown }).__fjordWebServices;
  delete (globalThis as { __fjordRest?: unknown }).__fjordRest;
  await h?.close();
});

describe('IDOR matrix: refused, and nothing leaks', () => {
  it.each(ROWS.map((r) => [`${r.covers[0]} as ${r.as} → ${r.status}`, r] as const))(
    '%s',
    async (_name, row) => {
      const result = await outcome(await row.send());
      expect(row.code ? result : { ...result, code: undefined }).toEqual({
        status: row.status,
        code: row.code,
      });
    },
  );

  it('/media/[id] (page): the lookup the page renders from finds nothing for another user', async () => {
    expect(
      await findMediaForViewer({ db: h.db, viewer: { id: w.stranger.id, role: 'USER' }, id: w.mediaId }),
    ).toBeNull();
    expect(
      await findMediaForViewer({ db: h.db, viewer: { id: w.owner.id, role: 'USER' }, id: w.mediaId }),
    ).not.toBeNull();
  });

  it('every page that takes an id or sits under /admin relies on a guard that is in place', () => {
    for (const page of listPageFiles().filter((p) => p.isDynamic || p.isAdmin)) {
      const guard = PAGE_GUARDS[page.isAdmin ? '/admin/*' : page.path];
      expect(guard, `page ${page.path} (${page.file}) has no row in PAGE_GUARDS`).toBeDefined();
      expect(readFileSync(path.join(APP_DIR, guard!.file), 'utf8')).toMatch(guard!.calls);
    }
  });

  it('every route and procedure that takes an id has a row (or a reason it needs none)', async () => {
    const covered = new Set(ROWS.flatMap((r) => r.covers));
    const missing: string[] = [];
    for (const route of listRouteFiles().filter((r) => r.isDynamic)) {
      for (const method of Object.keys(await loadRoute(route.path))) {
        const name = `${method} ${route.path}`;
        if (!covered.has(name) && !NOT_APPLICABLE[name]) missing.push(name);
      }
    }
    for (const p of listProcedures().filter((x) => x.takesId || x.isAdmin)) {
      if (!covered.has(`trpc ${p.name}`)) missing.push(`trpc ${p.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('after every attempt, nothing the attackers aimed at changed', async () => {
    const media = await h.db.media.findUnique({ where: { id: w.mediaId }, select: { status: true } });
    expect(media).toEqual({ status: 'READY' });
    expect(await h.db.rendition.count({ where: { mediaId: w.mediaId } })).toBe(1);
    expect(await h.db.webhookEndpoint.count({ where: { id: w.webhookId } })).toBe(1);
    expect(
      await h.db.webhookDelivery.findUnique({ where: { id: w.deliveryId }, select: { status: true } }),
    ).toEqual({
      status: 'PENDING',
    });
    expect(await verifyApiKey(h.db, w.owner.key.authorization!.slice(7))).not.toBeNull();
    expect(await h.db.user.findUnique({ where: { id: w.stranger.id }, select: { role: true } })).toEqual({
      role: 'USER',
    });
    expect(await h.db.user.findUnique({ where: { id: w.owner.id }, select: { disabledAt: true } })).toEqual({
      disabledAt: null,
    });
    expect(await h.services.queues.transcode.isPaused()).toBe(false);
  });

  it("after every attempt, the owner's resumable upload is intact", async () => {
    const head = await callRoute('/api/tus/[[...path]]', 'HEAD', `/api/tus/${w.uploadId}`, {
      headers: { 'tus-resumable': '1.0.0', ...w.owner.key },
      params: { path: w.uploadId },
    });
    expect([head.status, head.headers.get('upload-offset')]).toEqual([200, String(w.uploadOffset)]);
  });
});

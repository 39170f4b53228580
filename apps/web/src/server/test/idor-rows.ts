import { mediaFileUrl } from '@fjord/api';
import { mediaJobId } from '@fjord/queue';
import { randomBytes } from 'node:crypto';
import { listProcedures, type HttpMethod } from './app-inventory';
import type { IdorWorld } from './idor-world';
import { BASE, callRoute, SAME_ORIGIN, trpc, type Auth, type ProcedureType } from './route-client';

export type Row = {
  /** What the row covers: `trpc <procedure>`, `<METHOD> <route path>`, `page <path>`. */
  covers: string[];
  as: string;
  send: () => Promise<Response>;
  status: number;
  code?: string;
  /** Response headers that must not be there (what a refusal must not give away). */
  hides?: string[];
};

const NOT_FOUND = { status: 404, code: 'NOT_FOUND' } as const;
const FORBIDDEN = { status: 403, code: 'FORBIDDEN' } as const;

function procedureRows(w: IdorWorld): Row[] {
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
    strangerTries('captions.list', 'query', () => ({ id: w.mediaId })),
    strangerTries('captions.upload', 'mutation', () => ({
      id: w.mediaId,
      lang: 'de',
      label: 'Deutsch',
      format: 'vtt',
      text: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n',
    })),
    strangerTries('captions.remove', 'mutation', () => ({ id: w.mediaId, lang: 'en' })),
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
    'admin.hosts': () => undefined,
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
    'admin.reprocessPreview': () => ({ preset: 'card' }),
    'admin.bulkReprocess': () => ({ preset: 'card', before: '2000-01-01T00:00:00.000Z' }),
    'admin.users': () => ({}),
    'admin.setRole': () => ({ id: w.stranger.id, role: 'ADMIN' }),
    'admin.setDisabled': () => ({ id: w.owner.id, isDisabled: true }),
    'admin.eraseUser': () => ({ id: w.owner.id }),
    'admin.apiKeys': () => ({ userId: w.owner.id }),
    'admin.revokeApiKey': () => ({ id: w.owner.keyId }),
    'admin.broker': () => undefined,
    'admin.createInvite': () => ({ email: 'invitee@example.com' }),
    'admin.userQuota': () => ({ id: w.owner.id }),
    'admin.mediaTimeline': () => ({ id: w.mediaId }),
    'admin.setUserQuota': () => ({ id: w.owner.id, storageBytes: 0 }),
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

function restRows(w: IdorWorld): Row[] {
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
    {
      // An API key acts as its owner, admin or not: admin powers live in the admin console only.
      covers: [`${method} ${routePath}`],
      as: "an admin's API key (every scope)",
      send: () => callRoute(routePath, method, url(), { headers: w.stranger.adminKey, params: params() }),
      status: 404,
      code: 'not_found',
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
      'GET',
      '/api/v1/media/[id]/image-url',
      () => `/api/v1/media/${w.mediaId}/image-url?width=10`,
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
    ...api(
      'GET',
      '/api/v1/media/[id]/captions',
      () => `/api/v1/media/${w.mediaId}/captions`,
      media,
      () => w.owner.webhooksOnlyKey,
      'media:read',
    ),
    ...api(
      'POST',
      '/api/v1/media/[id]/captions',
      () => `/api/v1/media/${w.mediaId}/captions?lang=de&label=Deutsch`,
      media,
      () => w.owner.readOnlyKey,
      'media:write',
    ),
    ...api(
      'DELETE',
      '/api/v1/media/[id]/captions/[lang]',
      () => `/api/v1/media/${w.mediaId}/captions/en`,
      () => ({ id: w.mediaId, lang: 'en' }),
      () => w.owner.readOnlyKey,
      'media:write',
    ),
    {
      // No id to pass: an export is always of the caller's own account; a key needs account:export.
      covers: ['GET /api/v1/export'],
      as: "the owner's API key without account:export",
      send: () =>
        callRoute('/api/v1/export', 'GET', '/api/v1/export', { headers: w.owner.readOnlyKey, params: {} }),
      status: 403,
      code: 'forbidden',
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

/** /img carries no credentials: the signature over options + media id + expiry is the whole authorization. */
function imageRows(w: IdorWorld): Row[] {
  const route = '/img/[signature]/[options]/[mediaId]';
  const later = () => Math.floor(Date.now() / 1000) + 600;
  const paramsOf = (path: string) => {
    const [, , signature = '', options = '', mediaId = ''] = path.split('/');
    return { signature, options, mediaId };
  };
  const attempts: Array<[string, () => string]> = [
    [
      "a valid signature for another media's image",
      () => {
        const theirs = paramsOf(w.signedImage(w.otherMediaId, `w:10,exp:${later()}`));
        return `/img/${theirs.signature}/${theirs.options}/${w.mediaId}`;
      },
    ],
    [
      'a valid signature with its options changed (larger)',
      () => w.signedImage(w.mediaId, `w:10,exp:${later()}`).replace('/w:10,', '/w:4000,'),
    ],
    [
      'a valid signature with its expiry moved',
      () =>
        w
          .signedImage(w.mediaId, `w:10,exp:${later()}`)
          .replace(/exp:(\d+)/, (_m, e: string) => `exp:${Number(e) + 60}`),
    ],
    ['an expired signature', () => w.signedImage(w.mediaId, `w:10,exp:${later() - 1200}`)],
    ['no signature at all', () => `/img/-/w:10,exp:${later()}/${w.mediaId}`],
  ];
  return (['GET', 'HEAD'] as const).flatMap((method) =>
    attempts.map(([as, path]) => ({
      covers: [`${method} ${route}`],
      as,
      send: () => {
        const p = path();
        return callRoute(route, method, p, { params: paramsOf(p) });
      },
      status: 403,
      code: 'forbidden',
    })),
  );
}

/** /stream: a session sees only its own presentations; a token opens exactly the media it was signed for. */
function streamRows(w: IdorWorld): Row[] {
  const route = '/stream/[token]/[mediaId]/[...file]';
  const rows: Row[] = [];
  for (const method of ['GET', 'HEAD'] as const) {
    const send =
      (token: () => string, headers: () => Auth = () => ({})) =>
      () =>
        callRoute(route, method, `/stream/${token()}/${w.mediaId}/master.m3u8`, {
          headers: headers(),
          params: { token: token(), mediaId: w.mediaId, file: ['master.m3u8'] } as never,
        });
    const covers = [`${method} ${route}`];
    const session = () => 's';
    rows.push(
      {
        covers,
        as: 'another user (session)',
        send: send(session, () => w.stranger.session),
        status: 404,
        code: 'not_found',
      },
      {
        covers,
        as: 'another user (API key)',
        send: send(session, () => w.stranger.key),
        status: 404,
        code: 'not_found',
      },
      {
        covers,
        as: 'a valid token for another media',
        send: send(() => w.streamToken(w.otherMediaId)),
        status: 403,
        code: 'forbidden',
      },
      { covers, as: 'no credentials', send: send(session), status: 401, code: 'unauthorized' },
    );
  }
  return rows;
}

function filesRows(w: IdorWorld): Row[] {
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
        as: "an admin's API key (the key acts as its owner)",
        send: get(method, renditionPath, rendition, () => w.stranger.adminKey),
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
      as: 'another user (session), for a caption track',
      send: get(
        'GET',
        () => mediaFileUrl(w.mediaId, 'caption-en'),
        () => ({ mediaId: w.mediaId, name: 'caption-en' }),
        () => w.stranger.session,
      ),
      status: 404,
      code: 'not_found',
    },
    {
      covers,
      as: "a valid signature for another file (a rendition's, used for a caption)",
      send: get(
        'GET',
        () =>
          `${mediaFileUrl(w.mediaId, 'caption-en')}?${new URL(w.signed(w.mediaId, 'thumb-webp')).search.slice(1)}`,
        () => ({ mediaId: w.mediaId, name: 'caption-en' }),
      ),
      status: 403,
      code: 'forbidden',
    },
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
        // Its first character changed, always to a different one (a signature may start with A itself).
        () =>
          w
            .signed(w.mediaId, 'thumb-webp')
            .replace(BASE, '')
            .replace(/sig=(.)/, (_, c) => `sig=${c === 'A' ? 'B' : 'A'}`),
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

function tusRows(w: IdorWorld): Row[] {
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
  rows.push({
    // Its owner may HEAD a finished upload for a day to learn the media id; nobody else may.
    covers: [`HEAD ${route}`],
    as: "another user, on the owner's finished upload",
    send: tus(
      'HEAD',
      () => w.finishedUploadId,
      () => w.stranger.key,
    ),
    status: 404, // tus' own answer to a HEAD: no body, so no code
    hides: ['upload-media-id', 'upload-offset'],
  });
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

/** The IDOR matrix: one row per attempt that must be refused. A new route, page or procedure with an id adds rows here. */
export function idorRows(w: IdorWorld): Row[] {
  return [
    ...procedureRows(w),
    ...restRows(w),
    ...imageRows(w),
    ...filesRows(w),
    ...streamRows(w),
    ...tusRows(w),
  ];
}

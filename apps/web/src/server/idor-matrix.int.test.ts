import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMediaForViewer } from '@fjord/api';
import { verifyApiKey } from '@fjord/auth';
import { APP_DIR, listPageFiles, listProcedures, listRouteFiles, loadRoute } from './test/app-inventory';
import { idorRows } from './test/idor-rows';
import { createIdorWorld, type IdorWorld } from './test/idor-world';
import { callRoute, outcome } from './test/route-client';
import { createWebHarness } from '@fjord/http/testing';

/**
 * IDOR matrix: every route, page and procedure that takes an id, tried by someone who must not get in —
 * another user (404: whether the object exists does not leak), a USER on admin procedures (403), an API
 * key without the scope (403), forged or misused signed URLs (403). Requests go through the real route
 * modules (apps/web/src/app/**\/route.ts) on real Postgres/Redis, so a route is tested as Next mounts it.
 * A route, page or procedure that takes an id and has no row in test/idor-rows.ts fails the inventory
 * test below.
 */

let h: Awaited<ReturnType<typeof createWebHarness>>;
const w = {} as IdorWorld;

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

const ROWS = idorRows(w);

beforeAll(async () => {
  h = await createWebHarness({ WEBHOOK_ALLOW_PRIVATE: 'true', VIDEO_UPLOAD_MAX_BYTES: String(1024 * 1024) });
  // Route modules build their handlers from these services (getServices), as in the running app.
  (globalThis as { __fjordWebServices?: unknown }).__fjordWebServices = h.services;
  Object.assign(w, await createIdorWorld(h));
});

afterAll(async () => {
  const host = globalThis as { __fjordWebServices?: unknown; __fjordWebHttp?: { close(): void } };
  host.__fjordWebHttp?.close();
  delete host.__fjordWebHttp;
  delete host.__fjordWebServices;
  await h?.close();
});

describe('IDOR matrix: refused, and nothing leaks', () => {
  it.each(ROWS.map((r) => [`${r.covers[0]} as ${r.as} → ${r.status}`, r] as const))(
    '%s',
    async (_name, row) => {
      const response = await row.send();
      for (const name of row.hides ?? []) expect(response.headers.get(name), name).toBeNull();
      const result = await outcome(response);
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
    expect(await h.db.caption.count({ where: { mediaId: w.mediaId } })).toBe(1);
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

import { createBlobStore } from '@fjord/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaJobId } from '@fjord/queue';
import { createTestUser, TEST_PASSWORD } from '@fjord/testing';
import { expectTRPCError, signedInWithRole } from './test/admin-test-helpers';
import { cookieFrom, createApiHarness } from './test/api-test-harness';

let h: Awaited<ReturnType<typeof createApiHarness>>;

beforeAll(async () => {
  h = await createApiHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('auth router', () => {
  it('signs up with a session cookie, knows the user, and signs out', async () => {
    const anon = await h.callerFor();
    const { user } = await anon.caller.auth.signUp({ email: 'Lin@Example.com', password: 'a-good-password' });
    expect(user.email).toBe('lin@example.com');
    const setCookie = anon.resHeaders.get('set-cookie')!;
    expect(setCookie).toMatch(/^fjord_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).not.toContain('Secure'); // http://localhost in tests

    const me = await h.callerFor(cookieFrom(anon.resHeaders));
    expect((await me.caller.auth.me()).user).toMatchObject({ email: 'lin@example.com', role: 'USER' });

    await me.caller.auth.signOut();
    expect(me.resHeaders.get('set-cookie')).toMatch(/^fjord_session=; .*Max-Age=0/);
    const after = await h.callerFor(cookieFrom(anon.resHeaders));
    expect((await after.caller.auth.me()).user).toBeNull();
  });

  it('signs in, and refuses wrong passwords and duplicate sign-ups with readable messages', async () => {
    const user = await createTestUser(h.db);
    const anon = await h.callerFor();
    await anon.caller.auth.signIn({ email: user.email.toUpperCase(), password: TEST_PASSWORD });
    expect(anon.resHeaders.get('set-cookie')).toMatch(/^fjord_session=/);

    await expectTRPCError(
      (await h.callerFor()).caller.auth.signIn({ email: user.email, password: 'wrong password!' }),
      'UNAUTHORIZED',
      /^Email or password is incorrect\.$/,
    );
    await expectTRPCError(
      (await h.callerFor()).caller.auth.signUp({ email: user.email, password: 'another-password' }),
      'CONFLICT',
      /already exists/,
    );
  });
});

describe('media router', () => {
  it('requires a session', async () => {
    const anon = await h.callerFor();
    await expectTRPCError(anon.caller.media.list({}), 'UNAUTHORIZED');
  });

  it('shows a fresh upload as QUEUED with its flow in Redis', async () => {
    const { user, caller } = await signedInWithRole(h, 'USER');
    const result = await h.uploadImage(user.id, 'dot.png');
    expect(result.status).toBe('QUEUED');

    const row = await h.db.media.findUniqueOrThrow({ where: { id: result.id } });
    expect(row).toMatchObject({
      ownerId: user.id,
      status: 'QUEUED',
      mimeType: 'image/png',
      originalName: 'dot.png',
    });
    const finalize = await h.queues.db.getJob(mediaJobId(result.id, 'finalize'));
    expect(finalize).toBeDefined();
    expect(await h.queues.transcode.getJob(mediaJobId(result.id, 'transcode', 'thumb-webp'))).toBeDefined();

    const media = await caller.media.byId({ id: result.id });
    expect(media).toMatchObject({
      id: result.id,
      status: 'QUEUED',
      originalUrl: `/files/${result.id}/original`,
    });
  });

  it('answers NOT_FOUND for someone else’s media, but lets an admin see it', async () => {
    const { user: owner, caller: ownerCaller } = await signedInWithRole(h, 'USER');
    const { id } = await h.uploadImage(owner.id, 'mine.png');
    expect((await ownerCaller.media.byId({ id })).id).toBe(id);

    const { caller: strangerCaller } = await signedInWithRole(h, 'USER');
    await expectTRPCError(strangerCaller.media.byId({ id }), 'NOT_FOUND');
    await expectTRPCError(strangerCaller.media.status({ id }), 'NOT_FOUND');
    await expectTRPCError(strangerCaller.media.byId({ id: 'not-a-uuid' }), 'NOT_FOUND');
    expect((await strangerCaller.media.list({})).items.map((m) => m.id)).not.toContain(id);

    const { caller: adminCaller } = await signedInWithRole(h, 'ADMIN');
    expect((await adminCaller.media.byId({ id })).id).toBe(id);
  });

  it('deletes only for the owner (a stranger gets NOT_FOUND), removing the row and every blob', async () => {
    const { user: owner, caller: ownerCaller } = await signedInWithRole(h, 'USER');
    const { id } = await h.uploadImage(owner.id, 'gone.png');
    const { storageKey } = await h.db.media.findUniqueOrThrow({ where: { id } });

    const { caller: strangerCaller } = await signedInWithRole(h, 'USER');
    await expectTRPCError(strangerCaller.media.delete({ id }), 'NOT_FOUND');
    expect(await h.db.media.count({ where: { id } })).toBe(1);

    expect(await ownerCaller.media.delete({ id })).toEqual({ deleted: true });
    expect(await h.db.media.count({ where: { id } })).toBe(0);
    expect(await createBlobStore(h.config).stat(storageKey)).toBeNull();
    await expectTRPCError(ownerCaller.media.byId({ id }), 'NOT_FOUND');
  });

  it('pages through a user’s media newest first without gaps or repeats', async () => {
    const { user, caller } = await signedInWithRole(h, 'USER');
    const base = Date.now() - 60_000;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      // Two rows share a timestamp so the id tie-breaker is exercised.
      const createdAt = new Date(base + Math.min(i, 5) * 1000);
      const row = await h.db.media.create({
        data: {
          ownerId: user.id,
          kind: 'IMAGE',
          status: 'READY',
          originalName: `img-${i}.png`,
          mimeType: 'image/png',
          sizeBytes: 10n,
          sha256: 'x'.repeat(64),
          storageKey: `media/none-${i}/original.png`,
          createdAt,
        },
      });
      ids.push(row.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await caller.media.list({
        cursor,
        limit: 3,
      });
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    const created = await h.db.media.findMany({
      where: { id: { in: seen } },
      select: { id: true, createdAt: true },
    });
    const times = seen.map((id) => created.find((c) => c.id === id)!.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    await expectTRPCError(caller.media.list({ limit: 51 }), 'BAD_REQUEST');
    await expectTRPCError(caller.media.list({ cursor: 'garbage' }), 'BAD_REQUEST');
  });

  it('streams the current status first, then each change, and ends at READY', async () => {
    const { user, caller } = await signedInWithRole(h, 'USER');
    const { id } = await h.uploadImage(user.id, 'live.png');
    await h.events.ready();

    const stream = await caller.media.status({ id });
    const iterator = stream[Symbol.asyncIterator]();

    // On the server a tracked() event is an envelope: [eventId, data, marker].
    const first = await iterator.next();
    expect(first.done).toBe(false);
    const [firstId, firstData] = first.value as unknown as [string, unknown];
    expect(firstId).toMatch(/\S/);
    expect(firstData).toEqual({ status: 'QUEUED', progress: { done: 0, total: 3 } });

    // What worker-db does at the end of a flow: one transaction, then an announcement.
    await h.db.media.update({
      where: { id },
      data: {
        status: 'READY',
        finishedAt: new Date(),
        renditions: {
          create: ['thumb-webp', 'w1280-avif', 'w1280-webp'].map((name) => ({
            name,
            format: name.endsWith('avif') ? 'avif' : 'webp',
            mimeType: name.endsWith('avif') ? 'image/avif' : 'image/webp',
            width: 1,
            height: 1,
            bytes: 40,
            storageKey: `media/${id}/r/${name}.${name.endsWith('avif') ? 'avif' : 'webp'}`,
          })),
        },
      },
    });
    await h.publisher.publish({ mediaId: id, type: 'ready' });

    const next = await iterator.next();
    const [nextId, data] = next.value as unknown as [string, { renditions: { name: string; url: string }[] }];
    expect(nextId).not.toBe(firstId);
    expect(data).toMatchObject({ status: 'READY', progress: { done: 3, total: 3 } });
    expect(data.renditions.map((r) => r.name)).toEqual(['thumb-webp', 'w1280-avif', 'w1280-webp']);
    expect(data.renditions[0]!.url).toBe(`/files/${id}/thumb-webp`);
    expect((await iterator.next()).done).toBe(true);
  });
});

describe('tRPC captions (the web app)', () => {
  it('uploads SRT as WebVTT, lists and removes it; a bad file is refused with its line', async () => {
    const { user, caller } = await signedInWithRole(h, 'USER');
    const media = await h.db.media.create({
      data: {
        ownerId: user.id,
        kind: 'VIDEO',
        status: 'READY',
        originalName: 'clip.mp4',
        mimeType: 'video/mp4',
        sizeBytes: 4n,
        sha256: 'b'.repeat(64),
        storageKey: `media/${user.id}/orig`,
      },
    });
    const text = '1\n00:00:01,000 --> 00:00:02,000\nHi\n';
    const created = await caller.captions.upload({
      id: media.id,
      lang: 'EN',
      label: 'English',
      format: 'srt',
      text,
    });
    expect(created).toMatchObject({ lang: 'en', label: 'English', url: `/files/${media.id}/caption-en` });
    expect(await caller.captions.list({ id: media.id })).toMatchObject([{ lang: 'en', label: 'English' }]);
    const row = await h.db.caption.findFirstOrThrow({ where: { mediaId: media.id } });
    expect((await h.storage.read(row.storageKey)).toString()).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n',
    );

    const badVtt = 'WEBVTT\n\n1 --> 2\nx\n';
    await expectTRPCError(
      caller.captions.upload({ id: media.id, lang: 'de', label: 'Deutsch', format: 'vtt', text: badVtt }),
      'BAD_REQUEST',
      /^Line 3: /,
    );

    expect(await caller.captions.remove({ id: media.id, lang: 'en' })).toEqual({ deleted: true });
    expect(await caller.captions.list({ id: media.id })).toEqual([]);
    expect(await h.storage.stat(row.storageKey)).toBeNull();
  });
});

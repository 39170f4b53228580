import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { createTestUser, TEST_PASSWORD } from '@fjord/testing';
import { cookieFrom, createApiHarness } from '../test/api-test-harness';

let h: Awaited<ReturnType<typeof createApiHarness>>;

beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(async () => {
  await h?.close();
});

async function signedIn() {
  const user = await createTestUser(h.db);
  const { caller, resHeaders } = await h.callerFor();
  await caller.auth.signIn({ email: user.email, password: TEST_PASSWORD });
  return { user, caller: (await h.callerFor(cookieFrom(resHeaders))).caller };
}

describe('tRPC captions (the web app)', () => {
  it('uploads SRT as WebVTT, lists and removes it; a bad file is refused with its line', async () => {
    const { user, caller } = await signedIn();
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

    const bad = await caller.captions
      .upload({ id: media.id, lang: 'de', label: 'Deutsch', format: 'vtt', text: 'WEBVTT\n\n1 --> 2\nx\n' })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TRPCError);
    expect((bad as TRPCError).code).toBe('BAD_REQUEST');
    expect((bad as TRPCError).message).toMatch(/^Line 3: /);

    expect(await caller.captions.remove({ id: media.id, lang: 'en' })).toEqual({ deleted: true });
    expect(await caller.captions.list({ id: media.id })).toEqual([]);
    expect(await h.storage.stat(row.storageKey)).toBeNull();
  });
});

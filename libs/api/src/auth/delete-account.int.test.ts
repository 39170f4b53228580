import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '@fjord/testing';
import { expectTRPCError, signedInWithRole } from '../test/admin-test-helpers';
import { createApiHarness } from '../test/api-test-harness';

let h: Awaited<ReturnType<typeof createApiHarness>>;

beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('erasure over tRPC (auth.deleteAccount, admin.eraseUser)', () => {
  it('erases the signed-in account only with its password, and signs it out', async () => {
    const alice = await signedInWithRole(h, 'USER');
    const media = await h.uploadImage(alice.user.id, 'a.png');

    await expectTRPCError(alice.caller.auth.deleteAccount({ password: 'not the password' }), 'BAD_REQUEST');
    expect(await h.db.user.count({ where: { id: alice.user.id } })).toBe(1);

    expect(await alice.caller.auth.deleteAccount({ password: TEST_PASSWORD })).toEqual({
      erased: true,
      media: 1,
    });
    expect(alice.resHeaders.get('set-cookie')).toMatch(/Max-Age=0/i);
    expect(await h.db.user.count({ where: { id: alice.user.id } })).toBe(0);
    expect(await h.db.media.count({ where: { id: media.id } })).toBe(0);
    expect(await h.storage.list(`media/${media.id}/`)[Symbol.asyncIterator]().next()).toMatchObject({
      done: true,
    });
    // The old cookie is nobody's now.
    const after = await h.callerFor(alice.cookie);
    await expectTRPCError(after.caller.auth.deleteAccount({ password: TEST_PASSWORD }), 'UNAUTHORIZED');
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { action: 'user.erase' } });
    expect(audit).toMatchObject({ actorId: null, targetId: 'erased' });
  });

  it('lets an admin erase someone else, never a user erase anyone, and an admin not erase themself', async () => {
    const admin = await signedInWithRole(h, 'ADMIN');
    const bob = await signedInWithRole(h, 'USER');
    const carol = await signedInWithRole(h, 'USER');

    await expectTRPCError(bob.caller.admin.eraseUser({ id: carol.user.id }), 'FORBIDDEN');
    await expectTRPCError(admin.caller.admin.eraseUser({ id: admin.user.id }), 'BAD_REQUEST');
    expect(await h.db.user.count({ where: { id: { in: [carol.user.id, admin.user.id] } } })).toBe(2);

    expect(await admin.caller.admin.eraseUser({ id: carol.user.id })).toMatchObject({ erased: true });
    expect(await h.db.user.count({ where: { id: carol.user.id } })).toBe(0);
    await expectTRPCError(admin.caller.admin.eraseUser({ id: carol.user.id }), 'NOT_FOUND');
    const audit = await h.db.auditLog.findMany({ where: { action: 'user.erase', actorId: admin.user.id } });
    expect(audit).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@fjord/errors';
import { createApiHarness } from '../test/api-test-harness';
import { expectTRPCError, signedInWithRole } from '../test/admin-test-helpers';

let h: Awaited<ReturnType<typeof createApiHarness>>;
let admin: Awaited<ReturnType<typeof signedInWithRole>>;

beforeAll(async () => {
  h = await createApiHarness();
  admin = await signedInWithRole(h, 'ADMIN');
});
afterAll(async () => {
  await h?.close();
});

describe('admin quotas (docs/adr/0021)', () => {
  it('shows a user’s limits and usage, overrides them (audited), and the next upload obeys', async () => {
    const user = await signedInWithRole(h, 'USER');
    const before = await admin.caller.admin.userQuota({ id: user.user.id });
    expect(before.overrides).toEqual({ storageBytes: null, uploadsPerDay: null, videoMinutesPerDay: null });
    expect(before.limits.uploadsPerDay).toBe(h.config.QUOTA_UPLOADS_PER_DAY);
    await h.uploadImage(user.user.id, 'one.png');

    const after = await admin.caller.admin.setUserQuota({
      id: user.user.id,
      uploadsPerDay: 1,
      storageBytes: 0,
    });
    expect(after.limits).toMatchObject({ uploadsPerDay: 1, storageBytes: 0 });
    expect(after.usage.uploadsToday).toBe(1);
    const err = await h.uploadImage(user.user.id, 'two.png').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('daily_quota_exceeded');
    const audit = await h.db.auditLog.findFirst({
      where: { action: 'user.set-quota', targetId: user.user.id },
    });
    expect(audit).not.toBeNull();

    const reset = await admin.caller.admin.setUserQuota({ id: user.user.id, uploadsPerDay: null });
    expect(reset.overrides.uploadsPerDay).toBeNull();
    expect(reset.overrides.storageBytes).toBe(0); // untouched when absent
    await expect(h.uploadImage(user.user.id, 'three.png')).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('deleting a media gives its bytes back to the owner’s storage quota (in the DELETE’s statement)', async () => {
    const user = await signedInWithRole(h, 'USER');
    const { id } = await h.uploadImage(user.user.id, 'gone.png');
    const stored = await admin.caller.admin.userQuota({ id: user.user.id });
    const { sizeBytes } = await h.db.media.findUniqueOrThrow({ where: { id } });
    expect(stored.usage.storageBytes).toBe(Number(sizeBytes));
    await admin.caller.admin.deleteMedia({ id });
    expect((await admin.caller.admin.userQuota({ id: user.user.id })).usage.storageBytes).toBe(0);
  });

  it('a non-admin is refused; an unknown user is not_found', async () => {
    const user = await signedInWithRole(h, 'USER');
    await expectTRPCError(user.caller.admin.userQuota({ id: user.user.id }), 'FORBIDDEN');
    await expectTRPCError(user.caller.admin.setUserQuota({ id: user.user.id, storageBytes: 0 }), 'FORBIDDEN');
    await expectTRPCError(
      admin.caller.admin.setUserQuota({ id: '00000000-0000-4000-8000-000000000000', storageBytes: 1 }),
      'NOT_FOUND',
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { verifyApiKey } from '@fjord/auth';
import { signedInWithRole } from '../test/admin-test-helpers';
import { createApiHarness } from '../test/api-test-harness';

let h: Awaited<ReturnType<typeof createApiHarness>>;

beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('apiKeys router', () => {
  it('creates a key shown once, lists it without the secret, records its last use, and revokes it', async () => {
    const { caller } = await signedInWithRole(h, 'USER');
    const created = await caller.apiKeys.create({
      name: 'ci uploader',
      scopes: ['media:read', 'webhooks:manage'],
    });
    expect(created.key).toMatch(/^fjk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);

    const listed = await caller.apiKeys.list();
    expect(listed).toEqual([
      expect.objectContaining({ id: created.id, prefix: created.prefix, lastUsedAt: null, revokedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(created.prefix.length + 1));

    const verified = await verifyApiKey(h.db, created.key);
    expect(verified?.apiKey.scopes).toEqual(['media:read', 'webhooks:manage']);
    expect((await caller.apiKeys.list())[0]?.lastUsedAt).not.toBeNull();

    await caller.apiKeys.revoke({ id: created.id });
    expect(await verifyApiKey(h.db, created.key)).toBeNull();
    expect((await caller.apiKeys.list())[0]?.revokedAt).not.toBeNull();
  });

  it('refuses unknown scopes, someone else’s key and anonymous callers', async () => {
    const alice = await signedInWithRole(h, 'USER');
    const bob = await signedInWithRole(h, 'USER');
    const { id, key } = await alice.caller.apiKeys.create({ name: 'a', scopes: ['media:write'] });

    await expect(
      alice.caller.apiKeys.create({ name: 'b', scopes: ['admin:all' as 'media:read'] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(bob.caller.apiKeys.revoke({ id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await verifyApiKey(h.db, key)).not.toBeNull();
    expect(await bob.caller.apiKeys.list()).toEqual([]);

    const anon = (await h.callerFor()).caller;
    await expect(anon.apiKeys.list()).rejects.toBeInstanceOf(TRPCError);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInWithRole } from '../test/admin-test-helpers';
import { createApiHarness } from '../test/api-test-harness';

let h: Awaited<ReturnType<typeof createApiHarness>>;

beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('webhooks router', () => {
  it('adds, lists and removes the user’s own endpoints; refuses private targets', async () => {
    const { caller } = await signedInWithRole(h, 'USER');
    const created = await caller.webhooks.create({
      url: 'https://93.184.216.34/hook',
      events: ['media.ready'],
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect(await caller.webhooks.list()).toEqual([expect.objectContaining({ id: created.id })]);
    expect(await caller.webhooks.deliveries({ id: created.id })).toEqual([]);

    const { caller: other } = await signedInWithRole(h, 'USER');
    await expect(other.webhooks.remove({ id: created.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(other.webhooks.deliveries({ id: created.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await caller.webhooks.remove({ id: created.id });
    expect(await caller.webhooks.list()).toEqual([]);

    await expect(
      caller.webhooks.create({ url: 'http://10.0.0.5/hook', events: ['media.ready'] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/private/) });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@fjord/auth';
import { buildMediaTimeline } from '@fjord/ingest';
import { IMAGE_VARIANTS, mediaJobId } from '@fjord/queue';
import { createReadyMedia, waitFor } from '@fjord/testing';
import { createApiHarness } from '../test/api-test-harness';
import { expectTRPCError, signedInWithRole } from '../test/admin-test-helpers';
import { startStandInPipeline } from '../test/stand-in-pipeline';

let h: Awaited<ReturnType<typeof createApiHarness>>;
let pipeline: Awaited<ReturnType<typeof startStandInPipeline>>;
let admin: Awaited<ReturnType<typeof signedInWithRole>>;

beforeAll(async () => {
  h = await createApiHarness();
  pipeline = await startStandInPipeline({ config: h.config, db: h.db });
  admin = await signedInWithRole(h, 'ADMIN');
});

afterAll(async () => {
  await pipeline?.close();
  await h?.close();
});

const statusOf = async (id: string) => (await h.db.media.findUnique({ where: { id } }))?.status;
const settled = (id: string) =>
  waitFor(async () => (await h.queues.email.getJobState(mediaJobId(id, 'notify'))) === 'completed');

describe('admin router: media across users', () => {
  it('lists every user’s media with status filters and Postgres history, reprocesses and deletes', async () => {
    const user = await signedInWithRole(h, 'USER');
    const { id: good } = await h.uploadImage(user.user.id, 'good.png');
    pipeline.broken.add('bad.png');
    const { id: bad } = await h.uploadImage(user.user.id, 'bad.png');
    await settled(good);
    await settled(bad);
    await waitFor(async () => (await statusOf(bad)) === 'FAILED' && (await statusOf(good)) === 'READY');

    const failed = await admin.caller.admin.media({ status: 'FAILED' });
    expect(failed.items.map((m) => m.id)).toEqual([bad]);
    expect(failed.items[0]).toMatchObject({
      ownerEmail: user.user.email,
      error: expect.stringMatching(/corrupt/),
    });
    const byOwner = await admin.caller.admin.media({ ownerEmail: user.user.email });
    expect(byOwner.total).toBe(2);
    expect(byOwner.items.find((m) => m.id === good)?.processingMs).toEqual(expect.any(Number));

    const history = await admin.caller.admin.history({ sinceHours: 1 });
    expect(history.byStatus).toMatchObject({ READY: 1, FAILED: 1 });
    expect(history.topErrors[0]).toMatchObject({ count: 1, error: expect.stringMatching(/corrupt/) });
    expect(history.processingP50Ms).toEqual(expect.any(Number));

    // Reprocess: the old flow's jobs go, the same ids run again.
    pipeline.broken.delete('bad.png');
    expect((await admin.caller.admin.reprocessMedia({ id: bad })).removedJobs).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await statusOf(bad)) === 'READY');
    await settled(bad);

    // Delete: jobs, rows and blobs.
    const { storageKey } = (await h.db.media.findUnique({ where: { id: bad } }))!;
    expect(await h.storage.stat(storageKey)).not.toBeNull();
    expect(await admin.caller.admin.deleteMedia({ id: bad })).toMatchObject({ deleted: true });
    expect(await statusOf(bad)).toBeUndefined();
    expect(await h.storage.stat(storageKey)).toBeNull();
    expect(await h.queues.email.getJob(mediaJobId(bad, 'notify'))).toBeUndefined();
    expect(await h.queues.transcode.getJob(mediaJobId(bad, 'transcode', 'thumb-webp'))).toBeUndefined();
    expect(await admin.caller.admin.deleteMedia({ id: bad })).toEqual({ deleted: false, removedJobs: 0 });
    await expectTRPCError(admin.caller.admin.reprocessMedia({ id: bad }), 'NOT_FOUND');

    const actions = (await admin.caller.admin.audit({ targetId: bad })).map((e) => e.action);
    expect(actions).toEqual(['media.delete', 'media.delete', 'media.reprocess']);
    await expectTRPCError(user.caller.admin.reprocessMedia({ id: good }), 'FORBIDDEN');
    await expectTRPCError(user.caller.admin.media({}), 'FORBIDDEN');
  });
});

describe('admin router: a media timeline', () => {
  it('is the timeline of `fjord trace` (one builder), admins only, not_found for an unknown media', async () => {
    const user = await signedInWithRole(h, 'USER');
    const { id } = await h.uploadImage(user.user.id, 'timeline.png');
    await settled(id);
    await waitFor(async () => (await statusOf(id)) === 'READY');

    const timeline = await admin.caller.admin.mediaTimeline({ id });
    expect(timeline).toEqual(await buildMediaTimeline(h.services, id));
    expect(timeline).toMatchObject({ mediaId: id, status: 'READY', run: 1, jobsNotRetained: [] });
    const steps = timeline.entries.map((e) => e.step);
    expect(steps[0]).toBe('ingest');
    expect(timeline.entries[0]!.offsetMs).toBe(0);
    expect(steps).toEqual(
      expect.arrayContaining([
        ...IMAGE_VARIANTS.map((v) => `transcode ${v.name}`),
        'finalize',
        'notify',
        'commit',
      ]),
    );
    expect(timeline.entries.find((e) => e.step === 'finalize')?.detail).toMatch(/, done$/);

    await expectTRPCError(user.caller.admin.mediaTimeline({ id }), 'FORBIDDEN');
    await expectTRPCError(
      admin.caller.admin.mediaTimeline({ id: '00000000-0000-4000-8000-000000000000' }),
      'NOT_FOUND',
    );
  });
});

describe('admin router: bulk reprocess by preset', () => {
  it('runs one per preset at a time: CONFLICT while one goes, audited start and end, then free again', async () => {
    const owner = await signedInWithRole(h, 'USER');
    // Finished long ago, and the cutoff before everything else this file made READY.
    const finishedAt = new Date('2020-01-01T00:00:00Z');
    const before = '2021-01-01T00:00:00.000Z';
    for (let i = 0; i < 3; i++) {
      await createReadyMedia(h.db, { ownerId: owner.user.id, width: 20, height: 10, finishedAt });
    }
    const audited = async (action: string) =>
      (await admin.caller.admin.audit({ targetId: 'card' })).filter((e) => e.action === action).length;

    // "Eager renders only" is for a preset in IMAGE_EAGER_PRESETS (none here): refused, nothing taken.
    await expectTRPCError(
      admin.caller.admin.bulkReprocess({ preset: 'card', before, mode: 'eager' }),
      'BAD_REQUEST',
      /Preset "card" is not eager/,
    );
    expect(await admin.caller.admin.bulkReprocess({ preset: 'card', before })).toEqual({
      images: 3,
      before,
      ratePerSecond: 5,
      mode: 'flows',
    });
    // 3 images at 5 a second: the first run holds the preset for more than half a second.
    await expectTRPCError(
      admin.caller.admin.bulkReprocess({ preset: 'card', before }),
      'CONFLICT',
      /A bulk reprocess \(preset "card"\) is already running/,
    );
    await waitFor(async () => (await audited('media.bulk-reprocess-done')) === 1, {
      message: 'the first run to end',
    });
    expect(await admin.caller.admin.bulkReprocess({ preset: 'card', before })).toMatchObject({
      images: 0,
    });
    await waitFor(async () => (await audited('media.bulk-reprocess-done')) === 2, {
      message: 'the second run to end',
    });
    // The refused start ran nothing and wrote no audit row of its own.
    expect(await audited('media.bulk-reprocess')).toBe(2);
    expect(await audited('media.bulk-reprocess-failed')).toBe(0);
  });
});

describe('admin router: users and API keys', () => {
  it('lists users, changes a role, disables (ending sessions) and re-enables, and never locks out itself', async () => {
    const target = await signedInWithRole(h, 'USER');
    const list = await admin.caller.admin.users({ q: target.user.email });
    expect(list.items).toEqual([
      expect.objectContaining({ id: target.user.id, role: 'USER', activeSessions: 1 }),
    ]);

    expect(await admin.caller.admin.setRole({ id: target.user.id, role: 'ADMIN' })).toEqual({
      changed: true,
    });
    expect(await admin.caller.admin.setRole({ id: target.user.id, role: 'ADMIN' })).toEqual({
      changed: false,
    });
    // The role is read per request, from the session.
    const asTarget = async () => (await h.callerFor(target.cookie)).caller;
    expect((await (await asTarget()).admin.overview()).length).toBe(4);
    await admin.caller.admin.setRole({ id: target.user.id, role: 'USER' });
    await expectTRPCError((await asTarget()).admin.overview(), 'FORBIDDEN');

    expect(await admin.caller.admin.setDisabled({ id: target.user.id, isDisabled: true })).toEqual({
      changed: true,
    });
    expect(await (await asTarget()).auth.me()).toEqual({ user: null });
    expect(await h.db.session.count({ where: { userId: target.user.id } })).toBe(0);
    expect(await admin.caller.admin.setDisabled({ id: target.user.id, isDisabled: false })).toEqual({
      changed: true,
    });

    await expectTRPCError(
      admin.caller.admin.setDisabled({ id: admin.user.id, isDisabled: true }),
      'BAD_REQUEST',
    );
    await expectTRPCError(admin.caller.admin.setRole({ id: admin.user.id, role: 'USER' }), 'BAD_REQUEST');
    await expectTRPCError((await asTarget()).admin.users({}), 'UNAUTHORIZED');
  });

  it('lists and revokes anyone’s API keys', async () => {
    const owner = await signedInWithRole(h, 'USER');
    const { apiKey } = await createApiKey({ db: h.db, userId: owner.user.id, name: 'ci' });
    const keys = await admin.caller.admin.apiKeys({ userId: owner.user.id });
    expect(keys).toEqual([
      expect.objectContaining({ id: apiKey.id, ownerEmail: owner.user.email, revokedAt: null }),
    ]);
    expect(await admin.caller.admin.revokeApiKey({ id: apiKey.id })).toEqual({ changed: true });
    expect(await admin.caller.admin.revokeApiKey({ id: apiKey.id })).toEqual({ changed: false });
    expect((await admin.caller.admin.apiKeys({ userId: owner.user.id }))[0]!.revokedAt).not.toBeNull();
    await expectTRPCError(owner.caller.admin.revokeApiKey({ id: apiKey.id }), 'FORBIDDEN');
    const audit = await admin.caller.admin.audit({ targetId: apiKey.id });
    expect(audit.map((e) => e.action)).toEqual(['api-key.revoke', 'api-key.revoke']);
  });
});

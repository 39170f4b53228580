import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaJobId, QueueName, runWorker } from '@fjord/queue';
import { silentLogger, waitFor } from '@fjord/testing';
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

async function uploadAndSettle(name: string, { broken = false } = {}) {
  if (broken) pipeline.broken.add(name);
  const { id } = await h.uploadImage(admin.user.id, name);
  const status = await waitFor(async () => {
    const m = await h.db.media.findUnique({ where: { id }, select: { status: true } });
    return m && ['READY', 'FAILED'].includes(m.status) && m.status;
  });
  await waitFor(async () => (await h.queues.email.getJobState(mediaJobId(id, 'notify'))) === 'completed');
  return { id, status };
}

describe('admin router: authorization', () => {
  it('refuses a USER with FORBIDDEN and an anonymous caller with UNAUTHORIZED, on reads and actions', async () => {
    const user = await signedInWithRole(h, 'USER');
    const anon = await h.callerFor();
    for (const c of [user.caller, anon.caller]) {
      const code = c === user.caller ? 'FORBIDDEN' : 'UNAUTHORIZED';
      await expectTRPCError(c.admin.overview(), code);
      await expectTRPCError(c.admin.jobs({ queue: 'transcode', state: 'failed' }), code);
      await expectTRPCError(c.admin.job({ id: 'x' }), code);
      await expectTRPCError(c.admin.pauseQueue({ queue: 'transcode' }), code);
      await expectTRPCError(c.admin.retryJob({ id: 'x' }), code);
      await expectTRPCError(c.admin.users({}), code);
      await expectTRPCError(c.admin.audit({}), code);
      await expectTRPCError(c.admin.broker(), code);
    }
    expect(await h.queues.transcode.isPaused()).toBe(false);
  });
});

describe('admin router: broker durability', () => {
  it("reports the broker's own persistence and eviction settings, with a risk for each unsafe one", async () => {
    const broker = await admin.caller.admin.broker();
    const isDurable = broker.appendonly === 'yes' && broker.maxmemoryPolicy === 'noeviction';
    if (broker.isChecked) expect(broker.risks.length === 0).toBe(isDurable);
    else expect(broker.risks).toHaveLength(1);
  });
});

describe('admin router: queues and jobs', () => {
  it('shows counts, last-hour throughput, percentiles and named workers', async () => {
    await uploadAndSettle('ok.png');
    const overview = await admin.caller.admin.overview();
    expect(overview.map((q) => q.name)).toEqual(['transcode', 'db', 'email', 'maintenance']);
    const transcode = overview[0]!;
    expect(transcode.counts.completed).toBeGreaterThanOrEqual(3);
    expect(transcode.completedPerMinute).toHaveLength(60);
    expect(transcode.completedPerMinute.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
    expect(transcode.failureRate).toBe(0);
    expect(transcode.waitMs.p50).not.toBeNull();
    expect(transcode.processMs.p95).not.toBeNull();
    expect(transcode.sampleSize).toBeGreaterThanOrEqual(3);

    const workers = await admin.caller.admin.workers();
    const mine = workers.find((w) => w.queue === 'transcode' && w.pid === process.pid);
    expect(mine).toMatchObject({ concurrency: 4, version: h.config.FJORD_VERSION });
    expect(Date.now() - mine!.lastSeenAt).toBeLessThan(60_000);
    expect(workers.filter((w) => w.queue === 'transcode' && w.rawName === mine!.rawName)).toHaveLength(1);
  });

  it('counts the jobs each worker is running', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const worker = await runWorker({
      queueName: QueueName.maintenance,
      processor: () => held,
      concurrency: 3,
      config: h.config,
      logger: silentLogger,
      handleSignals: false,
    });
    try {
      await h.queues.maintenance.add('hold', {}, { jobId: 'hold-1' });
      await h.queues.maintenance.add('hold', {}, { jobId: 'hold-2' });
      const busy = await waitFor(async () => {
        const found = (await admin.caller.admin.workers()).find((w) => w.queue === 'maintenance');
        return found?.running === 2 && found;
      });
      expect(busy).toMatchObject({ concurrency: 3, pid: process.pid });
    } finally {
      release();
      await worker.close();
    }
    await h.queues.maintenance.drain();
  });

  it('pages through a big state with ranges, newest first', async () => {
    await h.queues.maintenance.addBulk(
      Array.from({ length: 60 }, (_, i) => ({ name: 'bulk', data: { i }, opts: { jobId: `bulk-${i}` } })),
    );
    const first = await admin.caller.admin.jobs({ queue: 'maintenance', state: 'waiting', pageSize: 25 });
    expect(first.total).toBe(60);
    expect(first.items).toHaveLength(25);
    expect(first.items[0]!.id).toBe('bulk-59');
    const last = await admin.caller.admin.jobs({
      queue: 'maintenance',
      state: 'waiting',
      page: 2,
      pageSize: 25,
    });
    expect(last.items.map((j) => j.id)).toEqual(Array.from({ length: 10 }, (_, i) => `bulk-${9 - i}`));
    await h.queues.maintenance.drain();
  });

  it('finds a failed job by media id, email and job id; shows reason, stacktrace, logs and its flow', async () => {
    const { id, status } = await uploadAndSettle('broken.png', { broken: true });
    expect(status).toBe('FAILED');
    const jobId = mediaJobId(id, 'transcode', 'w1280-avif');

    const byMedia = await admin.caller.admin.search({ q: id });
    expect(byMedia.map((j) => j.id)).toContain(jobId);
    const byEmail = await admin.caller.admin.search({ q: admin.user.email.toUpperCase() });
    expect(byEmail.map((j) => j.id)).toContain(jobId);
    expect(await admin.caller.admin.search({ q: jobId })).toEqual([
      expect.objectContaining({ state: 'failed' }),
    ]);

    const failed = await admin.caller.admin.jobs({ queue: 'transcode', state: 'failed' });
    expect(failed.items.map((j) => j.id)).toContain(jobId);

    const detail = await admin.caller.admin.job({ id: jobId });
    expect(detail).toMatchObject({
      state: 'failed',
      failedReason: 'The image file is corrupt or truncated',
      mediaId: id,
    });
    expect(detail.stacktrace.join('\n')).toMatch(/UnrecoverableError|corrupt/);
    expect(detail.logs.join('\n')).toMatch(/rendering w1280-avif/);
    expect(detail.parent).toEqual({ id: mediaJobId(id, 'finalize'), queue: 'db' });

    const flow = await admin.caller.admin.flow({ jobId });
    expect(flow).toMatchObject({ id: mediaJobId(id, 'notify'), state: 'completed' });
    expect(flow.children[0]!.id).toBe(mediaJobId(id, 'finalize'));
    expect(flow.children[0]!.children.map((c) => c.state)).toEqual(['failed', 'failed', 'failed']);
    expect((await admin.caller.admin.flow({ mediaId: id })).id).toBe(flow.id);
    await expectTRPCError(admin.caller.admin.job({ id: 'nope' }), 'NOT_FOUND');

    // The cause is fixed; retrying the failed child re-runs the whole flow, once.
    pipeline.broken.delete('broken.png');
    const outcome = await admin.caller.admin.retryJob({ id: jobId });
    expect(outcome).toMatchObject({ mode: 'flow', mediaId: id });
    await waitFor(async () => (await h.db.media.findUnique({ where: { id } }))?.status === 'READY');
    await waitFor(async () => (await h.queues.email.getJobState(mediaJobId(id, 'notify'))) === 'completed');
    expect((await admin.caller.admin.retryJob({ id: jobId })).mode).toBe('none');

    const audit = await admin.caller.admin.audit({ targetId: jobId });
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({
      action: 'job.retry',
      actorEmail: admin.user.email,
      meta: { mode: 'flow' },
    });
  });

  it('refuses to re-run a flow that is still finishing, then re-runs it once it has finished', async () => {
    await h.queues.email.pause();
    pipeline.broken.add('late.png');
    const { id } = await h.uploadImage(admin.user.id, 'late.png');
    await waitFor(async () => (await h.queues.db.getJobState(mediaJobId(id, 'finalize'))) === 'completed');
    const jobId = mediaJobId(id, 'transcode', 'thumb-webp');
    await expectTRPCError(admin.caller.admin.retryJob({ id: jobId }), 'CONFLICT', /still finishing/);
    expect(await h.queues.transcode.getJobState(jobId)).toBe('failed');

    await h.queues.email.resume();
    await waitFor(async () => (await h.queues.email.getJobState(mediaJobId(id, 'notify'))) === 'completed');
    pipeline.broken.delete('late.png');
    expect((await admin.caller.admin.retryJob({ id: jobId })).mode).toBe('flow');
    await waitFor(async () => (await h.db.media.findUnique({ where: { id } }))?.status === 'READY');
    await waitFor(async () => (await h.queues.email.getJobState(mediaJobId(id, 'notify'))) === 'completed');
  });

  it('retries all failed, pauses and resumes, promotes, removes and cleans, idempotently and audited', async () => {
    const a = await uploadAndSettle('a.png', { broken: true });
    const b = await uploadAndSettle('b.png', { broken: true });
    pipeline.broken.clear();
    const all = await admin.caller.admin.retryAllFailed({ queue: 'transcode' });
    expect(all).toEqual({ jobs: 0, flows: 2, remaining: false });
    for (const { id } of [a, b]) {
      await waitFor(async () => (await h.db.media.findUnique({ where: { id } }))?.status === 'READY');
    }

    expect((await admin.caller.admin.pauseQueue({ queue: 'email' })).changed).toBe(true);
    expect((await admin.caller.admin.pauseQueue({ queue: 'email' })).changed).toBe(false);
    expect((await admin.caller.admin.overview())[2]!.isPaused).toBe(true);
    expect((await admin.caller.admin.resumeQueue({ queue: 'email' })).changed).toBe(true);
    expect(await h.queues.email.isPaused()).toBe(false);

    await h.queues.maintenance.add('later', {}, { jobId: 'later-1', delay: 3_600_000 });
    expect((await admin.caller.admin.promoteJob({ id: 'later-1' })).changed).toBe(true);
    expect(await h.queues.maintenance.getJobState('later-1')).toBe('waiting');
    expect((await admin.caller.admin.promoteJob({ id: 'later-1' })).changed).toBe(false);
    expect((await admin.caller.admin.removeJob({ id: 'later-1' })).changed).toBe(true);
    expect((await admin.caller.admin.removeJob({ id: 'later-1' })).changed).toBe(false);

    const before = (await h.queues.transcode.getJobCounts('completed')).completed ?? 0;
    expect(before).toBeGreaterThan(0);
    expect(
      (await admin.caller.admin.cleanQueue({ queue: 'transcode', state: 'completed', olderThanMinutes: 60 }))
        .removed,
    ).toBe(0);
    expect(
      (await admin.caller.admin.cleanQueue({ queue: 'transcode', state: 'completed', olderThanMinutes: 0 }))
        .removed,
    ).toBe(before);

    const actions = (await admin.caller.admin.audit({ limit: 20 })).map((e) => e.action);
    for (const action of [
      'queue.retry-all-failed',
      'queue.pause',
      'queue.resume',
      'job.promote',
      'job.remove',
      'queue.clean',
    ]) {
      expect(actions).toContain(action);
    }
  });
});

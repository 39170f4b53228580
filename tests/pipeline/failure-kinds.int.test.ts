import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJpegFixture, truncateFixture } from '@fjord/media/testing';
import { GENERAL_FAILURE_MESSAGE, IMAGE_VARIANTS, mediaJobId } from '@fjord/queue';
import { createTestUser, waitFor } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

const ATTEMPTS = 2;

/** What a person may read: no path, no stack frame, no stderr or driver vocabulary. */
function expectHumanOnly(text: string | null | undefined) {
  expect(text).toBeTruthy();
  expect(text).not.toMatch(
    /\/|\\|\n|\bat \w|Error:|ECONN|ENOSPC|Prisma|invocation|Vips|libvips|stderr|jpegload/i,
  );
}

describe("two kinds of failure (the file's fault vs the infrastructure's), real workers", () => {
  let p: Pipeline;
  let pgProxy: TcpProxy;
  let owner: { id: string; email: string };

  beforeAll(async () => {
    p = await startPipeline('failure-kinds', {
      JOB_ATTEMPTS: String(ATTEMPTS),
      JOB_BACKOFF_MS: '100',
      JOB_INFRA_MAX_DELAY_MS: '400',
    });
    owner = await createTestUser(p.db);
    await p.db.webhookEndpoint.create({
      data: {
        userId: owner.id,
        url: 'http://127.0.0.1:9/hook',
        secretCiphertext: 'unused',
        events: ['media.failed'],
      },
    });
    // worker-transcode reaches Postgres only through this proxy, which the test can cut.
    const url = new URL(p.config.DATABASE_URL);
    pgProxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(pgProxy.port);
    await Promise.all([
      p.startWorker('transcode', { DATABASE_URL: url.toString() }),
      p.startWorker('db'),
      p.startWorker('email'),
    ]);
  });

  afterAll(async () => {
    await p?.stop();
    await pgProxy?.close();
  });

  it('Postgres unreachable for more than JOB_ATTEMPTS tries: the upload waits, then ends READY', async () => {
    await pgProxy.cut();
    const { id } = await p.ingest.ingestUpload({
      ownerId: owner.id,
      filename: 'fine.jpg',
      body: await createJpegFixture({ width: 800, height: 600 }),
    });
    const jobId = mediaJobId(id, 'transcode', IMAGE_VARIANTS[0]!.name);
    // Every start that hit ECONNREFUSED (P1001) past the last attempt was put back as delayed, not failed.
    const waited = await waitFor(
      async () => {
        const job = await p.queues.transcode.getJob(jobId);
        return job && job.attemptsStarted >= ATTEMPTS + 3 ? job : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(waited.attemptsMade).toBeLessThan(ATTEMPTS);
    expect(await p.queues.transcode.getFailedCount()).toBe(0);
    expect((await p.db.media.findUniqueOrThrow({ where: { id } })).status).toBe('QUEUED');
    const { logs } = await p.queues.transcode.getJobLogs(jobId);
    expect(logs.some((l) => /infrastructure fault, retrying in \d+ ms/.test(l))).toBe(true);

    await pgProxy.restore();
    const media = await p.waitForStatus(id, ['READY', 'FAILED'], 60_000);
    expect(media).toMatchObject({ status: 'READY', error: null, width: 800, height: 600 });
    expect(await p.db.rendition.count({ where: { mediaId: id } })).toBe(IMAGE_VARIANTS.length);
    const done = await p.queues.transcode.getJob(jobId);
    expect(done?.attemptsMade).toBeLessThanOrEqual(ATTEMPTS);
    await p.smtp.waitForMessages(1);
    expect(p.smtp.messages.some((m) => m.messageId === `<media-${id}-ready@fjord>`)).toBe(true);
  }, 180_000);

  it('a corrupt file ends FAILED at once with a human reason; the details stay with the job', async () => {
    const corrupt = truncateFixture(await createJpegFixture({ width: 1600, height: 1200, quality: 95 }), 0.4);
    const { id } = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'broken.jpg', body: corrupt });
    const media = await p.waitForStatus(id, ['READY', 'FAILED'], 60_000);
    expect(media.status).toBe('FAILED');
    expect(media.error).toBe('The image file is corrupt or truncated');
    expectHumanOnly(media.error);

    const mail = await waitFor(
      () => p.smtp.messages.find((m) => m.messageId === `<media-${id}-failed@fjord>`),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(mail.text).toContain(media.error!);
    expect(mail.text).not.toMatch(/jpegload|Vips|\n\s+at /i);
    const delivery = await p.db.webhookDelivery.findFirstOrThrow({
      where: { eventId: `media.failed.${id}` },
    });
    const payloadError = (delivery.payload as { data: { error: string | null } }).data.error;
    expect(payloadError).toBe(media.error);

    // The operator's view: the human reason, and the libvips text under it in the stack and the log.
    const job = await p.queues.transcode.getJob(mediaJobId(id, 'transcode', IMAGE_VARIANTS[0]!.name));
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe(media.error);
    expect((job?.stacktrace ?? []).join('\n')).toMatch(/caused by/);
    expect(media.error).not.toBe(GENERAL_FAILURE_MESSAGE);
  }, 120_000);
});

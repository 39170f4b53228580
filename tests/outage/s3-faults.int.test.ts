import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_VARIANTS } from '@fjord/queue';
import type { S3BlobStore } from '@fjord/storage';
import { startS3TestServer, waitFor, type S3TestServer } from '@fjord/testing';
import { generateImages } from '../scale/scale-images';
import { startHttpFaultProxy, type HttpFaultProxy } from './http-fault-proxy';
import { readyMessageId } from './outage-run';
import { startOutageStack, type OutageStack } from './outage-stack';

// S3 answering 5xx (s3rver behind a proxy that answers S3's own error bodies), to web and every worker.
describe('object storage answering 500/503/SlowDown during uploads and during processing', () => {
  let s3: S3TestServer;
  let faults: HttpFaultProxy;
  let stack: OutageStack;
  const images = generateImages(5, 11);

  beforeAll(async () => {
    s3 = await startS3TestServer();
    faults = await startHttpFaultProxy(s3.s3.endpoint);
    stack = await startOutageStack('s3-faults', { ...s3.env, S3_ENDPOINT: faults.url });
  }, 150_000);
  afterAll(async () => {
    await stack?.stop();
    (stack?.p.storage as S3BlobStore | undefined)?.close();
    await faults?.close();
    await s3?.close();
  });

  const bucketKeys = async () => {
    const page = await (stack.p.storage as S3BlobStore).client.send(
      new ListObjectsV2Command({ Bucket: s3.s3.bucket, Prefix: 'media/' }),
    );
    return (page.Contents ?? []).map((o) => o.Key).sort();
  };
  const mediaCount = () => stack.p.db.media.count({ where: { ownerId: stack.owner.id } });

  it('an upload while every request fails: 503 + Retry-After, S3 never named, nothing half-written', async () => {
    const [img] = await images;
    const [keysBefore, rowsBefore] = [await bucketKeys(), await mediaCount()];
    faults.failAll({ status: 503, code: 'ServiceUnavailable' });
    const answer = await stack.upload(img!.body, img!.filename);
    faults.pass();
    expect(answer).toMatchObject({ status: 503, error: { code: 'unavailable' } });
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    expect(answer.error?.message).not.toMatch(/s3|bucket|ServiceUnavailable|reduce your request rate/i);
    expect(faults.counts().faulted).toBeGreaterThanOrEqual(3); // the SDK's 3 attempts, all refused
    expect(await bucketKeys()).toEqual(keysBefore);
    expect(await mediaCount()).toBe(rowsBefore);
  }, 60_000);

  it('two SlowDown answers in a row: the SDK retries and the upload is 202', async () => {
    const [, img] = await images;
    const faultedBefore = faults.counts().faulted;
    faults.failNext(2, { status: 503, code: 'SlowDown' });
    const answer = await stack.upload(img!.body, img!.filename);
    expect(answer.status).toBe(202);
    expect(faults.counts().faulted - faultedBefore).toBe(2);
  }, 60_000);

  it('S3 answering 500 for 15 s while the uploads are processed: jobs wait, every media READY once', async () => {
    const list = (await images).slice(2);
    const answers = await Promise.all(list.map((img) => stack.upload(img.body, img.filename)));
    expect(answers.map((a) => a.status)).toEqual(list.map(() => 202));
    const faultedBefore = faults.counts().faulted;
    faults.failAll({ status: 500, code: 'InternalError' });
    await new Promise((r) => setTimeout(r, 15_000));
    faults.pass();
    const faultedDuring = faults.counts().faulted - faultedBefore;
    const ids = [
      ...answers.map((a) => a.id!),
      ...(await stack.p.db.media.findMany({ where: { ownerId: stack.owner.id }, select: { id: true } })).map(
        (m) => m.id,
      ),
    ];
    const all = [...new Set(ids)];
    await waitFor(
      async () =>
        (await stack.p.db.media.count({
          where: { id: { in: all }, status: { in: ['READY', 'FAILED'] } },
        })) === all.length,
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const media = await stack.p.db.media.findMany({
      where: { id: { in: all } },
      include: { renditions: true },
    });
    const expected = IMAGE_VARIANTS.map((v) => v.name).sort();
    for (const m of media) {
      expect(m).toMatchObject({ status: 'READY', error: null });
      expect(m.renditions.map((r) => r.name).sort()).toEqual(expected);
      for (const r of m.renditions)
        expect((await stack.p.storage.stat(r.storageKey))?.size).toBe(Number(r.bytes));
    }
    // Nothing half-written or orphaned: the bucket holds exactly the originals and the renditions.
    const recorded = media.flatMap((m) => [m.storageKey, ...m.renditions.map((r) => r.storageKey)]);
    expect(await bucketKeys()).toEqual(recorded.sort());
    // The workers did meet the fault: it is what this test is about.
    expect(faultedDuring).toBeGreaterThan(0);
    await waitFor(
      () => all.every((id) => stack.p.smtp.messages.some((m) => m.messageId === readyMessageId(id))),
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    for (const id of all)
      expect(stack.p.smtp.messages.filter((m) => m.messageId === readyMessageId(id))).toHaveLength(1);
    expect(stack.exited()).toEqual([]);
    console.log(
      `[s3-faults] ${faultedDuring} requests answered 500 during the 15 s window; ${all.length} media READY`,
    );
  }, 180_000);
});

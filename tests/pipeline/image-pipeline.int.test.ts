import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { thumbHashToRGBA } from 'thumbhash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@fjord/errors';
import {
  createAlphaPngFixture,
  createAnimatedFixture,
  createHeicFixture,
  createJxlFixture,
  createJpegFixture,
  createMovingGifFixture,
  listExifIfd0Tags,
  probeStreams,
  truncateFixture,
} from '@fjord/media/testing';
import { ANIMATED_MP4_RENDITION, IMAGE_VARIANTS } from '@fjord/queue';
import { createTestUser, waitFor } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';

describe('image pipeline (ingest → transcode → finalize → notify, real workers)', () => {
  let p: Pipeline;
  let owner: { id: string; email: string };
  /** The PNG an HEIC's or JPEG XL's decode was kept as, an entry of the /img cache (ADR 0023). */
  const keptDecodeOf = async (mediaId: string) => {
    const entry = await p.db.imageCacheEntry.findFirstOrThrow({
      where: { key: { startsWith: `decoded-${mediaId}-r` } },
    });
    return p.storage.read(entry.storageKey);
  };

  beforeAll(async () => {
    p = await startPipeline('image-pipeline');
    owner = await createTestUser(p.db);
    await Promise.all([p.startWorker('transcode'), p.startWorker('db'), p.startWorker('email')]);
  });

  afterAll(async () => {
    await p?.stop();
  });

  async function expectRenditions(mediaId: string, source: { width: number; height: number }) {
    const renditions = await p.db.rendition.findMany({ where: { mediaId }, orderBy: { name: 'asc' } });
    expect(renditions.map((r) => r.name).sort()).toEqual(IMAGE_VARIANTS.map((v) => v.name).sort());
    for (const rendition of renditions) {
      const variant = IMAGE_VARIANTS.find((v) => v.name === rendition.name)!;
      const blob = await p.storage.read(rendition.storageKey);
      const meta = await sharp(blob).metadata();
      expect(meta.width).toBe(rendition.width);
      expect(meta.height).toBe(rendition.height);
      expect(rendition.bytes).toBe(BigInt(blob.length));
      expect(meta.width).toBeLessThanOrEqual(Math.min(variant.maxWidth, source.width)); // never upscaled
      expect(meta.format).toBe(variant.format === 'avif' ? 'heif' : variant.format);
      if (variant.format === 'avif') expect(meta.compression).toBe('av1');
      expect(meta.exif).toBeUndefined();
      expect(listExifIfd0Tags(meta.exif)).toEqual([]);
    }
    return renditions;
  }

  it('(a) a rotated JPEG with GPS and a PNG reach READY with 3 clean renditions and one email each', async () => {
    // Stored 1200×800 with EXIF orientation 6: displayed (and recorded) as 800×1200.
    const jpeg = await createJpegFixture({ width: 1200, height: 800, orientation: 6, hasGps: true });
    expect(listExifIfd0Tags((await sharp(jpeg).metadata()).exif)).toContain(0x8825); // the fixture has GPS
    const png = await createAlphaPngFixture({ width: 200, height: 100 }); // smaller than every variant

    const [j, q] = await Promise.all([
      p.ingest.ingestUpload({
        ownerId: owner.id,
        filename: 'beach.jpg',
        declaredType: 'image/jpeg',
        body: jpeg,
      }),
      p.ingest.ingestUpload({ ownerId: owner.id, filename: 'logo.png', body: Readable.from([png]) }),
    ]);
    expect(j).toMatchObject({ kind: 'IMAGE', status: 'QUEUED' });

    const [jm, pm] = await Promise.all([
      p.waitForStatus(j.id, ['READY', 'FAILED']),
      p.waitForStatus(q.id, ['READY', 'FAILED']),
    ]);
    expect(jm).toMatchObject({
      status: 'READY',
      width: 800,
      height: 1200,
      error: null,
      mimeType: 'image/jpeg',
    });
    expect(pm).toMatchObject({ status: 'READY', width: 200, height: 100, mimeType: 'image/png' });
    expect(jm.startedAt).not.toBeNull();
    expect(jm.finishedAt).not.toBeNull();

    // Placeholders (ADR 0023): committed with READY; the hash decodes to the source's average colour.
    for (const [m, source] of [
      [jm, jpeg],
      [pm, png],
    ] as const) {
      expect(m.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
      const decoded = thumbHashToRGBA(Buffer.from(m.thumbhash!, 'base64'));
      const { channels } = await sharp(source).stats();
      const mean = (c: number) => {
        let sum = 0;
        for (let i = c; i < decoded.rgba.length; i += 4) sum += decoded.rgba[i]!;
        return sum / (decoded.rgba.length / 4);
      };
      if (source === jpeg) {
        const gap = Math.hypot(...[0, 1, 2].map((c) => mean(c) - channels[c]!.mean));
        expect(gap).toBeLessThan(16);
      }
      // The portrait JPEG (orientation applied) hashes portrait, the 2:1 PNG landscape.
      expect(decoded.w < decoded.h).toBe(source === jpeg);
    }

    const jr = await expectRenditions(j.id, { width: 800, height: 1200 });
    expect(jr.find((r) => r.name === 'thumb-webp')).toMatchObject({ width: 320, height: 480 });
    expect(jr.find((r) => r.name === 'w1280-webp')).toMatchObject({ width: 800, height: 1200 });
    const pr = await expectRenditions(q.id, { width: 200, height: 100 });
    expect(pr.every((r) => r.width === 200)).toBe(true);

    const mails = await p.smtp.waitForMessages(2);
    const forMedia = (id: string) =>
      p.smtp.messages.filter((m) => m.messageId === `<media-${id}-ready@fjord>`);
    expect(forMedia(j.id)).toHaveLength(1);
    expect(forMedia(q.id)).toHaveLength(1);
    expect(mails.every((m) => m.subject?.startsWith('Ready:'))).toBe(true);
    expect(forMedia(j.id)[0]?.text).toContain(`http://fjord.test/media/${j.id}`);
    // sentAt is written just after the SMTP server accepted the message.
    await waitFor(
      async () =>
        (await p.db.notification.count({
          where: { mediaId: { in: [j.id, q.id] }, sentAt: { not: null } },
        })) === 2,
      { timeoutMs: 10_000 },
    );
  });

  it('(b) one batch: a corrupt JPEG fails with a reason, a text file is rejected, a good upload succeeds', async () => {
    const good = await createJpegFixture({ width: 640, height: 480 });
    const corrupt = truncateFixture(await createJpegFixture({ width: 1600, height: 1200, quality: 95 }), 0.4);
    const textAsJpeg = Buffer.from('name,email\nalice,alice@example.com\n');
    const before = p.smtp.messages.length;

    const [bad, rejected, ok] = await Promise.allSettled([
      p.ingest.ingestUpload({ ownerId: owner.id, filename: 'broken.jpg', body: corrupt }),
      p.ingest.ingestUpload({
        ownerId: owner.id,
        filename: 'contacts.jpg',
        declaredType: 'image/jpeg',
        body: textAsJpeg,
      }),
      p.ingest.ingestUpload({ ownerId: owner.id, filename: 'fine.jpg', body: good }),
    ]);

    expect(rejected.status).toBe('rejected');
    const reason = (rejected as PromiseRejectedResult).reason as unknown;
    expect(isAppError(reason) && reason.code).toBe('unsupported_type');
    expect((reason as Error).message).toBe(
      'contacts.jpg is not a supported image or video: it looks like plain text. Fjord accepts JPEG, PNG, WebP, GIF, AVIF, HEIC, JPEG XL and TIFF images and MP4, MOV, WebM and MKV videos.',
    );
    expect(await p.db.media.count({ where: { originalName: 'contacts.jpg' } })).toBe(0);

    if (bad.status !== 'fulfilled' || ok.status !== 'fulfilled')
      throw new Error('uploads should be accepted');
    const [badMedia, okMedia] = await Promise.all([
      p.waitForStatus(bad.value.id, ['READY', 'FAILED']),
      p.waitForStatus(ok.value.id, ['READY', 'FAILED']),
    ]);
    expect(okMedia.status).toBe('READY');
    expect(badMedia.status).toBe('FAILED');
    expect(badMedia.error).toMatch(/corrupt|truncated/i);
    expect(await p.db.rendition.count({ where: { mediaId: bad.value.id } })).toBe(0);

    await p.smtp.waitForMessages(before + 2);
    const failedMails = p.smtp.messages.filter((m) => m.messageId === `<media-${bad.value.id}-failed@fjord>`);
    expect(failedMails).toHaveLength(1);
    expect(failedMails[0]?.text).toContain(badMedia.error!);
    const failedJobs = await p.queues.transcode.getFailed();
    const mine = failedJobs.filter((job) => (job.data as { mediaId: string }).mediaId === bad.value.id);
    expect(mine.length).toBeGreaterThan(0);
    // A permanent error is not retried: every child failed on its first attempt with the human reason.
    expect(mine).toHaveLength(3);
    for (const job of mine) {
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/corrupt|truncated/i);
    }
  });

  it('(c) a phone HEIC (HEVC, irot, EXIF GPS) is sniffed, decoded by heif-convert, READY upright and clean', async () => {
    // Stored 1200×600, irot 1 (shown 600×1200); EXIF orientation 6 too, which must not rotate it twice.
    const heic = await createHeicFixture({ irot: 1, exifOrientation: 6, hasGps: true });
    expect(listExifIfd0Tags((await sharp(heic).metadata()).exif)).toContain(0x8825);
    const m = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'IMG_0001.HEIC', body: heic });
    expect(m).toMatchObject({ kind: 'IMAGE', status: 'QUEUED' });
    const done = await p.waitForStatus(m.id, ['READY', 'FAILED']);
    expect(done).toMatchObject({
      status: 'READY',
      width: 600,
      height: 1200,
      mimeType: 'image/heic',
      error: null,
    });
    expect(done.thumbhash).toBeTruthy();
    const renditions = await expectRenditions(m.id, { width: 600, height: 1200 });
    expect(renditions.find((r) => r.name === 'thumb-webp')).toMatchObject({ width: 320, height: 640 });
    for (const r of renditions) {
      const blob = await p.storage.read(r.storageKey);
      expect(blob.includes(Buffer.from('Test Phone'))).toBe(false);
    }
    // The decode is kept for /img and later renders (ADR 0023): upright, and as clean as the renditions.
    const kept = await keptDecodeOf(m.id);
    expect(await sharp(kept).metadata()).toMatchObject({ format: 'png', width: 600, height: 1200 });
    expect(kept.includes(Buffer.from('Test Phone'))).toBe(false);
  });

  it('(c2) a JPEG XL in its container (Exif box first) is sniffed, decoded by djxl, READY and clean', async () => {
    const jxl = await createJxlFixture({ width: 1200, height: 600, layout: 'jxlp' });
    const m = await p.ingest.ingestUpload({ ownerId: owner.id, filename: 'scan.jxl', body: jxl });
    expect(m).toMatchObject({ kind: 'IMAGE', status: 'QUEUED' });
    const done = await p.waitForStatus(m.id, ['READY', 'FAILED']);
    expect(done).toMatchObject({
      status: 'READY',
      width: 1200,
      height: 600,
      mimeType: 'image/jxl',
      error: null,
    });
    expect(done.thumbhash).toBeTruthy();
    const renditions = await expectRenditions(m.id, { width: 1200, height: 600 });
    const thumb = renditions.find((r) => r.name === 'thumb-webp')!;
    expect(thumb).toMatchObject({ width: 320, height: 160 });
    // Upright: red on the left of the rendition, as in the source; the container's Exif never copied.
    const { data } = await sharp(await p.storage.read(thumb.storageKey))
      .extract({ left: 10, top: 70, width: 1, height: 1 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(150);
    for (const r of renditions)
      expect((await p.storage.read(r.storageKey)).includes(Buffer.from('GPS 59N'))).toBe(false);
    const kept = await keptDecodeOf(m.id);
    expect(await sharp(kept).metadata()).toMatchObject({ format: 'png', width: 1200, height: 600 });
    expect(kept.includes(Buffer.from('GPS 59N'))).toBe(false);
  });

  it('(d) a long animated GIF also gets an H.264 anim-mp4 rendition; a short one keeps its three', async () => {
    const long = await createMovingGifFixture({ frames: 120 }); // 320×180, 4.8 s
    const short = await createAnimatedFixture({ frames: 12 });
    const [l, s] = await Promise.all([
      p.ingest.ingestUpload({ ownerId: owner.id, filename: 'long.gif', body: long }),
      p.ingest.ingestUpload({ ownerId: owner.id, filename: 'short.gif', body: short }),
    ]);
    await Promise.all([
      p.waitForStatus(l.id, ['READY', 'FAILED']),
      p.waitForStatus(s.id, ['READY', 'FAILED']),
    ]);
    const names = async (mediaId: string) =>
      (await p.db.rendition.findMany({ where: { mediaId }, select: { name: true } }))
        .map((r) => r.name)
        .sort();
    expect(await names(s.id)).toEqual(IMAGE_VARIANTS.map((v) => v.name).sort());
    expect(await names(l.id)).toEqual([...IMAGE_VARIANTS.map((v) => v.name), ANIMATED_MP4_RENDITION].sort());

    const mp4 = await p.db.rendition.findUniqueOrThrow({
      where: { mediaId_name: { mediaId: l.id, name: ANIMATED_MP4_RENDITION } },
    });
    expect(mp4).toMatchObject({
      format: 'mp4',
      mimeType: 'video/mp4',
      width: 320,
      height: 180,
      durationMs: 4800,
    });
    const blob = await p.storage.read(mp4.storageKey);
    expect(mp4.bytes).toBe(BigInt(blob.length));
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-anim-'));
    try {
      await fs.writeFile(path.join(dir, 'anim.mp4'), blob);
      const { streams, format } = await probeStreams(path.join(dir, 'anim.mp4'));
      expect(streams.map((x) => `${x.codec_type}/${x.codec_name}`)).toEqual(['video/h264']);
      expect(Number(format.duration)).toBeCloseTo(4.8, 1);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    // Smaller than the animated WebP beside it.
    const webp = await p.db.rendition.findUniqueOrThrow({
      where: { mediaId_name: { mediaId: l.id, name: 'w1280-webp' } },
    });
    expect(mp4.bytes).toBeLessThan(webp.bytes);
  });
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJpegFixture, createVideoFixture } from '@fjord/media/testing';
import { IMAGE_VARIANTS, StreamManifestSchema } from '@fjord/queue';
import type { S3BlobStore } from '@fjord/storage';
import { createTestUser, startS3TestServer, type S3TestServer } from '@fjord/testing';
import { startPipeline, type Pipeline } from './pipeline-harness';

const PREFIX = 'fjord-pipeline';

describe('image and video pipeline with STORAGE_DRIVER=s3 (s3rver, real workers)', () => {
  let s3: S3TestServer;
  let p: Pipeline;
  let owner: { id: string };
  let transcodeTemp: string;

  beforeAll(async () => {
    s3 = await startS3TestServer();
    transcodeTemp = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-transcode-temp-'));
    p = await startPipeline('s3-pipeline', {
      ...s3.env,
      S3_PREFIX: PREFIX,
      TRANSCODE_TEMP_DIR: transcodeTemp,
      TRANSCODE_CONCURRENCY: '2',
      FFMPEG_THREADS: '1',
    });
    expect(p.storage.driver).toBe('s3');
    owner = await createTestUser(p.db);
    await Promise.all([p.startWorker('transcode'), p.startWorker('db')]);
  });
  afterAll(async () => {
    await p?.stop();
    (p?.storage as S3BlobStore | undefined)?.close();
    await s3?.close();
    await fs.rm(transcodeTemp, { recursive: true, force: true });
  });

  async function bucketKeys(mediaId: string): Promise<string[]> {
    const client = (p.storage as S3BlobStore).client;
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: s3.s3.bucket, Prefix: `${PREFIX}/media/${mediaId}/` }),
    );
    return (page.Contents ?? []).map((o) => o.Key ?? '').sort();
  }

  it('an image and a short video reach READY with every rendition stored in the bucket', async () => {
    const [image, video] = await Promise.all([
      p.ingest.ingestUpload({
        ownerId: owner.id,
        filename: 'photo.jpg',
        body: await createJpegFixture({ width: 1600, height: 1200 }),
      }),
      p.ingest.ingestUpload({
        ownerId: owner.id,
        filename: 'clip.mp4',
        body: await createVideoFixture({ width: 480, height: 270, seconds: 2 }),
      }),
    ]);
    const [im, vm] = await Promise.all([
      p.waitForStatus(image.id, ['READY', 'FAILED'], 90_000),
      p.waitForStatus(video.id, ['READY', 'FAILED'], 90_000),
    ]);
    expect(im).toMatchObject({ status: 'READY', width: 1600, height: 1200, error: null });
    expect(vm).toMatchObject({ status: 'READY', width: 480, height: 270, videoCodec: 'h264', error: null });

    const imageRenditions = await p.db.rendition.findMany({ where: { mediaId: image.id } });
    expect(imageRenditions.map((r) => r.name).sort()).toEqual(IMAGE_VARIANTS.map((v) => v.name).sort());
    for (const r of imageRenditions) {
      const blob = await p.storage.read(r.storageKey);
      expect(blob.length).toBe(Number(r.bytes));
      expect((await sharp(blob).metadata()).width).toBe(r.width);
    }
    const videoRenditions = await p.db.rendition.findMany({ where: { mediaId: video.id } });
    expect(videoRenditions.map((r) => r.name).sort()).toEqual([
      'cmaf',
      'mp4',
      'poster-jpg',
      'preview-webp',
      'storyboard-jpg',
      'storyboard-vtt',
    ]);
    const mp4 = await p.storage.read(videoRenditions.find((r) => r.name === 'mp4')!.storageKey);
    expect(mp4.subarray(4, 8).toString('latin1')).toBe('ftyp');

    // Everything lives in the bucket under the prefix; nothing was written to the local blob dir.
    expect(await bucketKeys(image.id)).toEqual(
      [im.storageKey, ...imageRenditions.map((r) => r.storageKey)].map((k) => `${PREFIX}/${k}`).sort(),
    );
    // The CMAF ladder's row is a folder: exactly the files its committed manifest lists are in it.
    const ladderFiles = videoRenditions.flatMap((r) => {
      if (!r.stream) return [r.storageKey];
      const { rungs, audio } = StreamManifestSchema.parse(r.stream);
      const tracks = [...rungs, ...(audio ? [audio] : [])];
      return tracks
        .flatMap((t) => [t.init, ...t.segments.map((x) => x.uri)])
        .map((f) => `${r.storageKey}${f}`);
    });
    expect(await bucketKeys(video.id)).toEqual(
      [vm.storageKey, ...ladderFiles].map((k) => `${PREFIX}/${k}`).sort(),
    );
    await expect(fs.readdir(p.config.storageDir)).rejects.toMatchObject({ code: 'ENOENT' });
    // Each video job's private copy of the original (and ffmpeg's output) is gone once it finished.
    expect(await fs.readdir(transcodeTemp)).toEqual([]);
  });
});

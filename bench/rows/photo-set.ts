import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createPhotoLikeJpeg } from '@fjord/media/testing';

export type Photo = { filename: string; path: string; body: Buffer };

const DIR = path.join(os.tmpdir(), 'fjord-bench-photos');

/**
 * Distinct 12 MP photo-like JPEGs (createPhotoLikeJpeg: blobs plus grain, ≈3.5 MB), on disk for the
 * baselines and in memory for the uploads. Generating one takes ~5–20 s on a busy 2-core box, so one base
 * photo is made once per machine (cached under the temp dir) and the others are its mirror images and
 * brightness shifts: the same realistic content for the encoders, different bytes and pixels per upload.
 */
export async function loadPhotoSet(count: number): Promise<Photo[]> {
  await fs.mkdir(DIR, { recursive: true });
  const basePath = path.join(DIR, 'base-4000x3000.jpg');
  const base = await fs.readFile(basePath).catch(async () => {
    const fresh = await createPhotoLikeJpeg({ width: 4000, height: 3000 });
    await fs.writeFile(basePath, fresh);
    return fresh;
  });
  const photos: Photo[] = [];
  for (let i = 0; i < count; i += 1) {
    const filename = `photo-${i}.jpg`;
    const file = path.join(DIR, filename);
    let body = await fs.readFile(file).catch(() => undefined);
    if (!body) {
      let image = sharp(base);
      if (i & 1) image = image.flop();
      if (i & 2) image = image.flip();
      body = await image
        .modulate({ brightness: 1 + 0.04 * (i >> 2) })
        .jpeg({ quality: 88 })
        .toBuffer();
      await fs.writeFile(file, body);
    }
    photos.push({ filename, path: file, body });
  }
  return photos;
}

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageVariantSpec } from './image-variant.types';
import { renderImageVariant, renderImageVariants } from './render-image-variant.service';
import {
  EXIF_GPS_IFD_TAG,
  createAlphaPngFixture,
  createJpegFixture,
  createPixelBombPng,
  createRandomBytesFixture,
  listExifIfd0Tags,
  truncateFixture,
} from './testing/fixtures';

const THUMB: ImageVariantSpec = { name: 'thumb-webp', format: 'webp', maxWidth: 320, quality: 75 };
const W1280_WEBP: ImageVariantSpec = { name: 'w1280-webp', format: 'webp', maxWidth: 1280, quality: 80 };
const W1280_AVIF: ImageVariantSpec = { name: 'w1280-avif', format: 'avif', maxWidth: 1280, quality: 55 };

let phonePhoto: Buffer;

beforeAll(async () => {
  // 4000×3000 pixels stored sideways, with orientation 6 ("rotate 90° clockwise to view") and GPS tags.
  phonePhoto = await createJpegFixture({ width: 4000, height: 3000, orientation: 6, hasGps: true });
  const meta = await sharp(phonePhoto).metadata();
  // Guard the fixture itself: otherwise the "no GPS in output" assertion proves nothing.
  expect(meta.orientation).toBe(6);
  expect(listExifIfd0Tags(meta.exif)).toContain(EXIF_GPS_IFD_TAG);
});

describe('renderImageVariant', () => {
  it('applies EXIF orientation, scales to maxWidth and reports oriented source size', async () => {
    const out = await renderImageVariant({ input: phonePhoto, variant: W1280_WEBP });
    expect(out).toMatchObject({ format: 'webp', mimeType: 'image/webp', width: 1280, height: 1707 });
    expect(out).toMatchObject({ sourceWidth: 3000, sourceHeight: 4000 });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 1280, height: 1707 });
  });

  it.each([THUMB, W1280_WEBP, W1280_AVIF])('strips EXIF, GPS and orientation from $name', async (variant) => {
    const out = await renderImageVariant({ input: phonePhoto, variant });
    const meta = await sharp(out.data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(out.data.includes(Buffer.from('Test Camera'))).toBe(false);
  });

  it('encodes AVIF with the requested effort as image/avif', async () => {
    const out = await renderImageVariant({ input: phonePhoto, variant: W1280_AVIF, avifEffort: 0 });
    expect(out).toMatchObject({ format: 'avif', mimeType: 'image/avif', width: 1280, height: 1707 });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'heif', compression: 'av1' });
  });

  it('never upscales a small image', async () => {
    const small = await createJpegFixture({ width: 200, height: 150 });
    const out = await renderImageVariant({ input: small, variant: W1280_WEBP });
    expect(out).toMatchObject({ width: 200, height: 150, sourceWidth: 200, sourceHeight: 150 });
  });

  it('keeps alpha from a PNG', async () => {
    const png = await createAlphaPngFixture({ width: 64, height: 48 });
    const out = await renderImageVariant({ input: png, variant: THUMB });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ hasAlpha: true, width: 64, height: 48 });
    const { data } = await sharp(out.data)
      .ensureAlpha()
      .extract({ left: 0, top: 0, width: 1, height: 1 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(0);
  });

  it('reads from a file path', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-media-'));
    try {
      const file = path.join(dir, 'photo.jpg');
      await fs.writeFile(file, await createJpegFixture({ width: 800, height: 600 }));
      await expect(renderImageVariant({ input: file, variant: THUMB })).resolves.toMatchObject({
        width: 320,
        height: 240,
      });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a truncated JPEG as corrupt and permanent', async () => {
    const truncated = truncateFixture(await createJpegFixture({ width: 1600, height: 1200 }));
    await expect(renderImageVariant({ input: truncated, variant: THUMB })).rejects.toMatchObject({
      name: 'AppError',
      kind: 'corrupt',
      message: 'The image file is corrupt or truncated',
      isPermanent: true,
    });
  });

  it('reports random bytes as an unsupported format', async () => {
    await expect(
      renderImageVariant({ input: createRandomBytesFixture(), variant: THUMB }),
    ).rejects.toMatchObject({
      kind: 'unsupported',
      code: 'unsupported_type',
      message: 'Unsupported image format',
      isPermanent: true,
    });
  });

  it('refuses SVG even though libvips could read it', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    await expect(renderImageVariant({ input: svg, variant: THUMB })).rejects.toMatchObject({
      kind: 'unsupported',
    });
  });

  it('refuses a decompression bomb before decoding it', async () => {
    const bomb = createPixelBombPng({ width: 30_000, height: 30_000 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expect(renderImageVariant({ input: bomb, variant: THUMB })).rejects.toMatchObject({
      kind: 'too_large',
      code: 'too_large',
      isPermanent: true,
      message: 'Image is too large: 30000×30000 pixels exceeds the 100-megapixel limit',
    });
  });

  it('honours a configured pixel limit', async () => {
    const photo = await createJpegFixture({ width: 2000, height: 1000 });
    await expect(
      renderImageVariant({ input: photo, variant: THUMB, maxInputPixels: 1_000_000 }),
    ).rejects.toMatchObject({
      message: 'Image is too large: 2000×1000 pixels exceeds the 1-megapixel limit',
    });
  });
});

describe('renderImageVariants (one shared decode)', () => {
  it('renders every variant like the one-at-a-time path', async () => {
    const variants = [THUMB, W1280_WEBP, W1280_AVIF];
    const outs = await renderImageVariants({ input: phonePhoto, variants });
    expect(outs.map((o) => [o.format, o.width, o.height])).toEqual([
      ['webp', 320, 427],
      ['webp', 1280, 1707],
      ['avif', 1280, 1707],
    ]);
    for (const out of outs) {
      expect(out).toMatchObject({ sourceWidth: 3000, sourceHeight: 4000 });
      expect((await sharp(out.data).metadata()).exif).toBeUndefined();
    }
  });

  it('classifies corrupt input the same way', async () => {
    const truncated = truncateFixture(await createJpegFixture({ width: 1600, height: 1200 }));
    await expect(renderImageVariants({ input: truncated, variants: [THUMB] })).rejects.toMatchObject({
      kind: 'corrupt',
    });
  });
});

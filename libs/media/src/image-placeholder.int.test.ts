import sharp from 'sharp';
import { thumbHashToApproximateAspectRatio, thumbHashToRGBA } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import { computeImagePlaceholder } from './image-placeholder.service';
import { MediaProcessingError } from './media-processing.error';
import { createJpegFixture, createPhotoLikeJpeg, truncateFixture } from './testing/fixtures';

/** Mean R, G, B of an RGBA buffer (alpha ignored). */
function meanRgb(rgba: Uint8Array): [number, number, number] {
  const sum = [0, 0, 0];
  for (let i = 0; i < rgba.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += rgba[i + c]!;
  const n = rgba.length / 4;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

async function sourceMeanRgb(input: Buffer): Promise<[number, number, number]> {
  const { channels } = await sharp(input).stats();
  return [channels[0]!.mean, channels[1]!.mean, channels[2]!.mean];
}

const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

/** 800×600: a large field of `field` with a `patch` square in one corner. */
function fieldWithPatch(field: [number, number, number], patch: [number, number, number]) {
  const background = { r: field[0], g: field[1], b: field[2] };
  const square = sharp({
    create: { width: 200, height: 200, channels: 3, background: { r: patch[0], g: patch[1], b: patch[2] } },
  })
    .png()
    .toBuffer();
  return square.then((input) =>
    sharp({ create: { width: 800, height: 600, channels: 3, background } })
      .composite([{ input, left: 0, top: 0 }])
      .png()
      .toBuffer(),
  );
}

describe('computeImagePlaceholder (real sharp, real thumbhash)', () => {
  it('hashes to an image whose average colour is close to the source’s', async () => {
    for (const source of [
      await createPhotoLikeJpeg({ width: 1200, height: 900 }),
      await fieldWithPatch([30, 140, 60], [220, 30, 30]),
    ]) {
      const { thumbhash } = await computeImagePlaceholder(source);
      const decoded = thumbHashToRGBA(Buffer.from(thumbhash, 'base64'));
      expect(decoded.w).toBeLessThanOrEqual(32);
      // ThumbHash keeps the DC term exactly (quantised to 6 bits a channel): well within 12 of 255.
      expect(distance(meanRgb(decoded.rgba), await sourceMeanRgb(source))).toBeLessThan(12);
    }
  });

  it('names the dominant colour, not the average, as #rrggbb', async () => {
    const source = await fieldWithPatch([30, 140, 60], [220, 30, 30]);
    const { color } = await computeImagePlaceholder(source);
    expect(color).toMatch(/^#[0-9a-f]{6}$/);
    const rgb = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
    // The 4096-bin histogram reports its bin's centre: within 16 of the field colour per channel.
    expect(distance(rgb, [30, 140, 60])).toBeLessThan(28);
  });

  it('is small, and keeps the displayed aspect ratio (EXIF orientation applied)', async () => {
    // Stored 1200×600 with orientation 6: displayed 600×1200, portrait.
    const sideways = await createJpegFixture({ width: 1200, height: 600, orientation: 6 });
    const { thumbhash } = await computeImagePlaceholder(sideways);
    const bytes = Buffer.from(thumbhash, 'base64');
    expect(bytes.length).toBeLessThanOrEqual(25);
    expect(thumbhash.length).toBeLessThanOrEqual(36);
    // The hash stores its ratio coarsely (0.57 for 1:2); unrotated it would be 2.
    expect(thumbHashToApproximateAspectRatio(bytes)).toBeGreaterThan(0.4);
    expect(thumbHashToApproximateAspectRatio(bytes)).toBeLessThan(0.7);
  });

  it('fails with the media error of a corrupt image', async () => {
    const corrupt = truncateFixture(await createJpegFixture({ width: 1600, height: 1200, quality: 95 }), 0.4);
    await expect(computeImagePlaceholder(corrupt)).rejects.toBeInstanceOf(MediaProcessingError);
  });
});

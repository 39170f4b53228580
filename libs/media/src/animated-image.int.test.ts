import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ImageVariantSpec } from './image-variant.types';
import { readCheckedMetadata } from './read-image-info.service';
import { renderImageVariant } from './render-image-variant.service';
import { createAnimatedFixture } from './testing/fixtures';

const THUMB: ImageVariantSpec = { name: 'thumb-webp', format: 'webp', maxWidth: 320, quality: 75 };
const AVIF: ImageVariantSpec = { name: 'w1280-avif', format: 'avif', maxWidth: 1280, quality: 55 };

describe('animated GIF/WebP input (real sharp)', () => {
  it.each(['gif', 'webp'] as const)('an animated %s stays animated in the WebP variant', async (format) => {
    const input = await createAnimatedFixture({ format, frames: 12, delayMs: 80 });
    expect((await sharp(input).metadata()).pages).toBe(12); // the fixture really is animated
    const out = await renderImageVariant({ input, variant: THUMB });
    expect(out).toMatchObject({ format: 'webp', width: 320, height: 160, frames: 12 });
    expect(out).toMatchObject({ sourceWidth: 400, sourceHeight: 200 });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'webp', pages: 12, height: 160, width: 320, loop: 0 });
    expect(meta.delay).toEqual(Array.from({ length: 12 }, () => 80));
  });

  it('AVIF and JPEG variants of an animation are its first frame', async () => {
    const input = await createAnimatedFixture({ frames: 5 });
    const out = await renderImageVariant({ input, variant: AVIF, avifEffort: 0 });
    expect(out).toMatchObject({ width: 400, height: 200 });
    expect(out.frames).toBeUndefined();
    expect((await sharp(out.data).metadata()).pages ?? 1).toBe(1);
  });

  it('refuses too many frames from the header, with the count in the message', async () => {
    const input = await createAnimatedFixture({ width: 16, height: 16, frames: 40 });
    await expect(readCheckedMetadata(input, { maxFrames: 30 })).rejects.toMatchObject({
      kind: 'too_large',
      message: 'The animation has 40 frames; the limit is 30',
    });
  });

  it('refuses an animation whose frames together pass the pixel limit', async () => {
    // 20 frames of 400×200 = 1.6 MP in all; each frame alone (80 000 px) is within a 1 MP limit.
    const input = await createAnimatedFixture({ frames: 20 });
    await expect(
      renderImageVariant({ input, variant: THUMB, maxInputPixels: 1_000_000 }),
    ).rejects.toMatchObject({
      kind: 'too_large',
      message: expect.stringMatching(/20 frames of 400×200 pixels exceed the 1-megapixel limit/),
    });
  });
});

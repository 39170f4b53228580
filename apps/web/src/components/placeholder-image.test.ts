import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { thumbhashDataUrl } from './placeholder-image';

describe('thumbhashDataUrl', () => {
  it('decodes a base64 ThumbHash to a small PNG data URL', async () => {
    // The hash of a reddish photo (thumbhash's own example).
    const url = thumbhashDataUrl('1QcSHQRnh493V4dIh4eXh1h4kJUI');
    expect(url).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(url!.split(',')[1]!, 'base64');
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(32);
  });

  it('gives null for a hash that is not base64, so the colour alone shows', () => {
    expect(thumbhashDataUrl('%%%')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { thumbhashDataUrl } from './placeholder-image';

describe('thumbhashDataUrl', () => {
  it('decodes a base64 ThumbHash to a small PNG data URL', () => {
    // The hash of a reddish photo (thumbhash's own example).
    const url = thumbhashDataUrl('1QcSHQRnh493V4dIh4eXh1h4kJUI');
    expect(url).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(url!.split(',')[1]!, 'base64');
    // The PNG signature, then IHDR's width and height (big-endian, bytes 16–23).
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(Math.min(width, height)).toBeGreaterThan(0);
    expect(Math.max(width, height)).toBeLessThanOrEqual(32);
  });

  it('gives null for a hash that is not base64, so the colour alone shows', () => {
    expect(thumbhashDataUrl('%%%')).toBeNull();
  });
});

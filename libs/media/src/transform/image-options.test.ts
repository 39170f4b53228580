import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_PRESETS } from '@fjord/config';
import {
  formatImageOptions,
  negotiateImageFormat,
  parseImageOptions,
  resolveImageOptions,
} from './image-options';

const limits = { maxSize: 4096, maxPixels: 16_777_216, presets: DEFAULT_IMAGE_PRESETS };

describe('image options', () => {
  it('writes one canonical spelling whatever order they came in', () => {
    const parsed = parseImageOptions('f:webp,exp:1900000000,h:300,w:400,fit:cover,g:smart', limits);
    expect(formatImageOptions(parsed)).toBe('w:400,h:300,fit:cover,g:smart,f:webp,exp:1900000000');
  });

  it('normalizes to the same cache input regardless of expiry, and applies dpr to the box', () => {
    const a = resolveImageOptions('w:400,dpr:2,exp:1', limits);
    const b = resolveImageOptions('w:400,dpr:2,exp:2', limits);
    expect(a.normalized).toBe(b.normalized);
    expect(a).toMatchObject({ width: 800, fit: 'inside', format: 'auto' });
  });

  it('every default preset resolves within the limits', () => {
    for (const name of Object.keys(DEFAULT_IMAGE_PRESETS)) {
      expect(() => resolveImageOptions(`preset:${name}`, limits), name).not.toThrow();
    }
  });

  it('negotiates AVIF, then WebP, then JPEG from explicit Accept types with q > 0', () => {
    expect(negotiateImageFormat('image/avif,image/webp,*/*')).toBe('avif');
    expect(negotiateImageFormat('image/avif;q=0, image/webp;q=0.5')).toBe('webp');
    expect(negotiateImageFormat('image/*,*/*;q=0.8')).toBe('jpeg');
    expect(negotiateImageFormat(null)).toBe('jpeg');
  });
});

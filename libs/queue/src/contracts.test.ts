import { describe, expect, it } from 'vitest';
import {
  findVideoVariant,
  IMAGE_VARIANTS,
  PLACEHOLDER_VARIANT,
  isObsoleteVideoVariant,
  LEGACY_VIDEO_VARIANT_NAMES,
  renditionsOfResult,
  VIDEO_VARIANTS,
  type TranscodeJobResult,
} from './contracts';

const sprite: TranscodeJobResult = {
  variant: 'storyboard-jpg',
  format: 'jpeg',
  mimeType: 'image/jpeg',
  width: 640,
  height: 90,
  bytes: 1000,
  storageKey: 'media/m/r/storyboard-jpg.a1.jpg',
  sourceWidth: 320,
  sourceHeight: 180,
  durationMs: 7000,
  alsoRendered: [
    {
      variant: 'storyboard-vtt',
      format: 'vtt',
      mimeType: 'text/vtt; charset=utf-8',
      width: 640,
      height: 90,
      bytes: 200,
      storageKey: 'media/m/r/storyboard-vtt.a1.vtt',
    },
  ],
};

describe('renditionsOfResult', () => {
  it('gives a child with extra files one rendition per file, none for a skipped rung', () => {
    const rows = renditionsOfResult(sprite);
    expect(rows.map((r) => [r.variant, r.storageKey, r.mimeType, r.durationMs])).toEqual([
      ['storyboard-jpg', 'media/m/r/storyboard-jpg.a1.jpg', 'image/jpeg', 7000],
      ['storyboard-vtt', 'media/m/r/storyboard-vtt.a1.vtt', 'text/vtt; charset=utf-8', null],
    ]);
    expect(rows[0]).not.toHaveProperty('alsoRendered');
    expect(renditionsOfResult({ ...sprite, skipped: true })).toEqual([]);
  });
});

describe('isObsoleteVideoVariant', () => {
  it('names the per-rung MP4 jobs of flows queued before ADR 0026, and nothing a flow makes now', () => {
    for (const name of LEGACY_VIDEO_VARIANT_NAMES) {
      expect(isObsoleteVideoVariant(name)).toBe(true);
      expect(findVideoVariant(name)).toBeUndefined();
    }
    for (const v of VIDEO_VARIANTS) expect(isObsoleteVideoVariant(v.name)).toBe(false);
    expect(isObsoleteVideoVariant('v480-mp4')).toBe(false);
  });
});

describe('PLACEHOLDER_VARIANT', () => {
  it('is the narrowest image variant, so the placeholder is hashed once from the smallest render', () => {
    const narrowest = Math.min(...IMAGE_VARIANTS.map((v) => v.maxWidth));
    const variant = IMAGE_VARIANTS.find((v) => v.name === PLACEHOLDER_VARIANT);
    expect(variant?.maxWidth).toBe(narrowest);
    expect(PLACEHOLDER_VARIANT).toBe('thumb-webp');
  });
});

import { describe, expect, it } from 'vitest';
import { MediaProcessingError, classifySharpError } from './media-processing.error';

describe('classifySharpError', () => {
  it.each([
    ['VipsJpeg: premature end of JPEG image', 'corrupt', true],
    ['pngload: libspng read error', 'corrupt', true],
    ['Unknown error', 'corrupt', true],
    ['Input buffer contains unsupported image format', 'unsupported', true],
    ['Input image exceeds pixel limit', 'too_large', true],
    ['vips_malloc: out of memory', 'unknown', false],
    ['something nobody expected', 'unknown', false],
  ])('%s → %s (permanent: %s)', (message, kind, isPermanent) => {
    const err = classifySharpError(new Error(message));
    expect(err).toBeInstanceOf(MediaProcessingError);
    expect(err).toMatchObject({ kind, isPermanent });
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('passes a MediaProcessingError through unchanged', () => {
    const original = new MediaProcessingError('too_large', 'Image is too large', true);
    expect(classifySharpError(original)).toBe(original);
  });
});

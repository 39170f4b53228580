import { describe, expect, it } from 'vitest';
import { readImageInfo } from './read-image-info.service';
import { createAlphaPngFixture, createJpegFixture, createRandomBytesFixture } from './testing/fixtures';

describe('readImageInfo', () => {
  it('reports displayed size and EXIF orientation', async () => {
    const jpeg = await createJpegFixture({ width: 400, height: 300, orientation: 6 });
    await expect(readImageInfo(jpeg)).resolves.toEqual({
      format: 'jpeg',
      width: 300,
      height: 400,
      orientation: 6,
    });
  });

  it('defaults orientation to 1', async () => {
    await expect(readImageInfo(await createAlphaPngFixture())).resolves.toEqual({
      format: 'png',
      width: 64,
      height: 48,
      orientation: 1,
    });
  });

  it('rejects what is not an image', async () => {
    await expect(readImageInfo(createRandomBytesFixture())).rejects.toMatchObject({ kind: 'unsupported' });
  });
});

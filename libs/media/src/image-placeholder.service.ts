import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import type { ImageInput } from './image-variant.types';
import { classifySharpError } from './media-processing.error';
import { DEFAULT_MAX_INPUT_PIXELS } from './read-image-info.service';

/** What a page shows while the image loads (docs/adr/0023): a ThumbHash (base64) and a CSS colour. */
export interface ImagePlaceholder {
  /** ThumbHash bytes, base64 (≤ 25 bytes → ≤ 36 characters); decode with thumbhash's thumbHashToDataURL. */
  thumbhash: string;
  /** sharp's dominant colour, `#rrggbb`. */
  color: string;
}

/** ThumbHash's input bound: 100 px on the longer side. */
export const PLACEHOLDER_MAX_SIDE = 100;

const hex = (n: number) => Math.round(n).toString(16).padStart(2, '0');

/**
 * The placeholder of an image: oriented, scaled to ≤ 100 px, its RGBA hashed (thumbhash) and its dominant
 * colour taken (sharp's stats: the most frequent 4096-bin histogram colour). Fed with a variant the job just
 * rendered (a few hundred px), it costs a small decode, not a second decode of the original. First frame
 * only for animated input.
 */
export async function computeImagePlaceholder(
  input: ImageInput,
  { maxInputPixels = DEFAULT_MAX_INPUT_PIXELS }: { maxInputPixels?: number } = {},
): Promise<ImagePlaceholder> {
  try {
    const { data, info } = await sharp(input, { failOn: 'error', limitInputPixels: maxInputPixels })
      .rotate()
      .resize(PLACEHOLDER_MAX_SIDE, PLACEHOLDER_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const hash = rgbaToThumbHash(info.width, info.height, data);
    const { dominant } = await sharp(data, {
      raw: { width: info.width, height: info.height, channels: 4 },
    }).stats();
    return {
      thumbhash: Buffer.from(hash).toString('base64'),
      color: `#${hex(dominant.r)}${hex(dominant.g)}${hex(dominant.b)}`,
    };
  } catch (err) {
    throw classifySharpError(err);
  }
}

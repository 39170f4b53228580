import sharp, { type Metadata } from 'sharp';
import type { ImageInfo, ImageInput } from './image-variant.types';
import { MediaProcessingError, classifySharpError } from './media-processing.error';

/** 100 megapixels: a 12 MP phone photo decodes to ~36 MB; 100 MP to ~300 MB per image in flight. */
export const DEFAULT_MAX_INPUT_PIXELS = 100_000_000;

/** Frames an animated GIF/WebP may have (a 10 s clip at 30 fps); more is refused before decoding. */
export const DEFAULT_MAX_FRAMES = 300;

/** Formats whose frames are kept (animated WebP variants); every other format renders its first page. */
export const ANIMATED_FORMATS = new Set(['gif', 'webp']);

/** An animated GIF/WebP: more than one frame, per its header. */
export function isAnimated(meta: Pick<Metadata, 'format' | 'pages'>): boolean {
  return ANIMATED_FORMATS.has(meta.format ?? '') && (meta.pages ?? 1) > 1;
}

/**
 * Input formats we accept. SVG (scriptable, can reference external files) and PDF are refused even though
 * libvips could read them: uploads are hostile.
 */
const ACCEPTED_INPUT_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif']);

function formatMegapixels(pixels: number): string {
  const mp = pixels / 1_000_000;
  return Number.isInteger(mp) ? String(mp) : mp.toFixed(1);
}

/** A header that passed readCheckedMetadata: an accepted format, with both sides. */
export type CheckedMetadata = Metadata & { width: number; height: number };

/** The refusal of an image whose header claims more pixels than the limit. */
export function pixelLimitError(width: number, height: number, maxInputPixels: number): MediaProcessingError {
  return new MediaProcessingError(
    'too_large',
    `Image is too large: ${width}×${height} pixels exceeds the ${formatMegapixels(maxInputPixels)}-megapixel limit`,
    true,
    { details: { width, height, maxInputPixels } },
  );
}

/**
 * Reads the header only (no decode) and enforces the accepted formats and the pixel limit, so a
 * decompression bomb (a tiny file claiming 30000×30000 pixels) is refused before anything is decoded.
 */
export async function readCheckedMetadata(
  input: ImageInput,
  {
    maxInputPixels = DEFAULT_MAX_INPUT_PIXELS,
    maxFrames = DEFAULT_MAX_FRAMES,
  }: { maxInputPixels?: number; maxFrames?: number } = {},
): Promise<CheckedMetadata> {
  let meta: Metadata;
  try {
    // The limit is enforced below, with a better message than libvips gives.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw classifySharpError(err);
  }
  if (!meta.format || !ACCEPTED_INPUT_FORMATS.has(meta.format)) {
    throw new MediaProcessingError('unsupported', 'Unsupported image format', true, {
      details: { format: meta.format },
    });
  }
  const { width, height } = meta;
  if (!width || !height) {
    throw new MediaProcessingError('corrupt', 'The image file is corrupt or truncated', true);
  }
  // One frame must fit the limit; an animation (ADR 0023) must also fit it with all its frames, and a
  // frame count — both from the header, before anything is decoded.
  const pixels = width * height;
  const frames = ANIMATED_FORMATS.has(meta.format) ? (meta.pages ?? 1) : 1;
  if (frames > maxFrames) {
    throw new MediaProcessingError(
      'too_large',
      `The animation has ${frames} frames; the limit is ${maxFrames}`,
      true,
      { details: { frames, maxFrames } },
    );
  }
  const framePixels = width * (meta.pageHeight ?? height);
  if (frames > 1 && framePixels * frames > maxInputPixels) {
    throw new MediaProcessingError(
      'too_large',
      `The animation is too large: ${frames} frames of ${width}×${meta.pageHeight ?? height} pixels exceed the ${formatMegapixels(maxInputPixels)}-megapixel limit`,
      true,
      { details: { frames, width, height: meta.pageHeight ?? height, maxInputPixels } },
    );
  }
  if (pixels > maxInputPixels) throw pixelLimitError(width, height, maxInputPixels);
  return { ...meta, width, height };
}

/** Orientations 5–8 rotate by 90° or 270°, which swaps width and height. */
export function orientedSize(meta: { width: number; height: number; orientation?: number }): {
  width: number;
  height: number;
} {
  const isSwapped = (meta.orientation ?? 1) >= 5;
  return isSwapped ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
}

export async function readImageInfo(
  input: ImageInput,
  opts?: { maxInputPixels?: number },
): Promise<ImageInfo> {
  const meta = await readCheckedMetadata(input, opts);
  return { format: meta.format, ...orientedSize(meta), orientation: meta.orientation ?? 1 };
}

import type { ImageOutputFormat } from '../image-variant.types';

export type ImageFit = 'cover' | 'contain' | 'inside';

/** sharp's compass points; `centre` is the default. */
export const COMPASS_GRAVITIES = [
  'centre',
  'north',
  'northeast',
  'east',
  'southeast',
  'south',
  'southwest',
  'west',
  'northwest',
] as const;
export type CompassGravity = (typeof COMPASS_GRAVITIES)[number];

export type ImageGravity =
  | { kind: 'compass'; position: CompassGravity }
  /** sharp's attention strategy: the crop keeps the region with the most luminance, saturation and skin. */
  | { kind: 'smart' }
  /** A focal point in fractions of the (oriented) source, 0–1 from the top left. */
  | { kind: 'focal'; x: number; y: number };

/** One on-the-fly transform, already validated and bounded (see the options codec, image-options.ts). */
export interface ImageTransformSpec {
  /** Output box in pixels, DPR already applied; at least one of the two is set. */
  width?: number;
  height?: number;
  fit: ImageFit;
  gravity: ImageGravity;
  format: ImageOutputFormat;
  quality: number;
  /** Gaussian blur sigma. */
  blur?: number;
  /** Sharpen sigma. */
  sharpen?: number;
}

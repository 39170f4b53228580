/**
 * Structurally identical to ImageVariant in @fjord/queue's contracts. Declared here because media is a pure
 * processing lib and must not depend on the queue; a queue ImageVariant is assignable to it.
 */
export interface ImageVariantSpec {
  name: string;
  format: ImageOutputFormat;
  maxWidth: number;
  quality: number;
}

export type ImageOutputFormat = 'webp' | 'avif' | 'jpeg' | 'png';

/** A Buffer with the file's bytes, or the absolute path of a local file (sharp reads it without a copy). */
export type ImageInput = Buffer | string;

export interface RenderedImage {
  data: Buffer;
  format: ImageOutputFormat;
  mimeType: string;
  width: number;
  height: number;
  /** Source dimensions after EXIF orientation is applied (what a viewer shows). */
  sourceWidth: number;
  sourceHeight: number;
  /** Animated WebP output (ADR 0023): its frame count; absent for a still. */
  frames?: number;
}

export interface ImageInfo {
  /** sharp's name for the container: jpeg, png, webp, gif, tiff, heif (AVIF and HEIC). */
  format: string;
  /** Displayed width: after EXIF orientation. */
  width: number;
  /** Displayed height: after EXIF orientation. */
  height: number;
  /** EXIF orientation 1–8; 1 when absent. */
  orientation: number;
}

export const MIME_TYPE_BY_FORMAT: Record<ImageOutputFormat, string> = {
  webp: 'image/webp',
  avif: 'image/avif',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

import sharp, { type Sharp } from 'sharp';
import { MIME_TYPE_BY_FORMAT, type ImageInput, type RenderedImage } from '../image-variant.types';
import { MediaProcessingError, classifySharpError } from '../media-processing.error';
import { prepareImageSourceWithMeta, type DecodedSource } from '../prepare-image-source';
import { DEFAULT_MAX_INPUT_PIXELS, orientedSize, readCheckedMetadata } from '../read-image-info.service';
import { encodeImage } from '../render-image-variant.service';
import type { ImageTransformSpec } from './image-transform.types';

export type TransformImageOptions = {
  input: ImageInput;
  spec: ImageTransformSpec;
  avifEffort?: number;
  maxInputPixels?: number;
  /** Refuses a transform whose output would be larger (e.g. only a width on a 1:50 strip). */
  maxOutputPixels: number;
  /** An HEIC's or JPEG XL's kept decode (decodedSourceIn). */
  decoded?: DecodedSource;
};

type Size = { width: number; height: number };

/**
 * The largest output a spec can produce from `source` (sharp never enlarges here): the box when both sides
 * are given, else the source scaled to the one side. Checked before any pixel is decoded.
 */
export function outputSizeBound(source: Size, spec: Pick<ImageTransformSpec, 'width' | 'height'>): Size {
  const { width: w, height: h } = spec;
  if (w && h) return { width: w, height: h };
  const scale = Math.min(1, w ? w / source.width : (h ?? source.height) / source.height);
  return { width: Math.round(source.width * scale), height: Math.round(source.height * scale) };
}

/** Cover around a focal point: scale so the box is covered, then cut the box centred on the point. */
function coverAtFocalPoint(pipeline: Sharp, source: Size, box: Size, focal: { x: number; y: number }): Sharp {
  const scale = Math.min(1, Math.max(box.width / source.width, box.height / source.height));
  const scaled = {
    width: Math.max(1, Math.round(source.width * scale)),
    height: Math.max(1, Math.round(source.height * scale)),
  };
  const width = Math.min(box.width, scaled.width);
  const height = Math.min(box.height, scaled.height);
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));
  return pipeline.resize(scaled.width, scaled.height, { fit: 'fill' }).extract({
    left: clamp(focal.x * scaled.width - width / 2, scaled.width - width),
    top: clamp(focal.y * scaled.height - height / 2, scaled.height - height),
    width,
    height,
  });
}

function resize(pipeline: Sharp, source: Size, spec: ImageTransformSpec): Sharp {
  const { width, height, fit, gravity } = spec;
  if (fit === 'cover' && width && height && gravity.kind === 'focal') {
    return coverAtFocalPoint(pipeline, source, { width, height }, gravity);
  }
  const position =
    gravity.kind === 'smart'
      ? sharp.strategy.attention
      : gravity.kind === 'compass'
        ? gravity.position
        : 'centre';
  // Transparent padding where the format has alpha, white where it has not (JPEG).
  const background = { r: 255, g: 255, b: 255, alpha: spec.format === 'jpeg' ? 1 : 0 };
  return pipeline.resize({ width, height, fit, position, background, withoutEnlargement: true });
}

/**
 * One on-the-fly transform from the original: header checked first (format, pixel limit), EXIF orientation
 * applied, resized/cropped, blurred or sharpened, encoded. No metadata is ever copied to the output (sharp
 * keeps none unless asked), so GPS tags and camera serials never leave through a transform URL.
 */
export async function transformImage({
  input: original,
  spec,
  avifEffort = 2,
  maxInputPixels = DEFAULT_MAX_INPUT_PIXELS,
  maxOutputPixels,
  decoded,
}: TransformImageOptions): Promise<RenderedImage> {
  // An HEVC HEIC or a JPEG XL original is decoded to PNG first, or its kept decode read (ADR 0023); the
  // render gate bounds these too.
  const prepared = await prepareImageSourceWithMeta(original, { maxInputPixels, decoded });
  const input = prepared.input;
  const meta = prepared.meta ?? (await readCheckedMetadata(input, { maxInputPixels }));
  const source = orientedSize(meta);
  const planned = outputSizeBound(source, spec);
  if (planned.width * planned.height > maxOutputPixels) {
    throw new MediaProcessingError(
      'too_large',
      `This transform would produce ${planned.width}×${planned.height} pixels, more than the ${maxOutputPixels}-pixel limit; ask for a smaller width or height`,
      true,
      { details: planned },
    );
  }
  try {
    let pipeline = resize(
      sharp(input, { failOn: 'error', limitInputPixels: maxInputPixels }).rotate(),
      source,
      spec,
    );
    if (spec.blur) pipeline = pipeline.blur(spec.blur);
    if (spec.sharpen) pipeline = pipeline.sharpen({ sigma: spec.sharpen });
    const { data, info } = await encodeImage(pipeline, spec, avifEffort).toBuffer({
      resolveWithObject: true,
    });
    return {
      data,
      format: spec.format,
      mimeType: MIME_TYPE_BY_FORMAT[spec.format],
      width: info.width,
      height: info.height,
      sourceWidth: source.width,
      sourceHeight: source.height,
    };
  } catch (err) {
    throw classifySharpError(err);
  }
}

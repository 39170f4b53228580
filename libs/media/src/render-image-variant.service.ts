import sharp, { type CreateRaw, type Sharp } from 'sharp';
import {
  MIME_TYPE_BY_FORMAT,
  type ImageInput,
  type ImageVariantSpec,
  type RenderedImage,
} from './image-variant.types';
import { classifySharpError } from './media-processing.error';
import {
  DEFAULT_MAX_INPUT_PIXELS,
  isAnimated,
  orientedSize,
  readCheckedMetadata,
  type CheckedMetadata,
} from './read-image-info.service';

export interface RenderOptions {
  /** AVIF encoder effort 0–9: the main cost knob (docs/performance.md). Default 2. */
  avifEffort?: number;
  /** Decompression-bomb guard. Default 100 MP. */
  maxInputPixels?: number;
}

/** One encoder per output format, for the eager variants and the on-the-fly transforms alike. */
export function encodeImage(
  pipeline: Sharp,
  { format, quality }: Pick<ImageVariantSpec, 'format' | 'quality'>,
  avifEffort: number,
): Sharp {
  switch (format) {
    case 'webp':
      return pipeline.webp({ quality });
    case 'avif':
      return pipeline.avif({ quality, effort: avifEffort });
    case 'jpeg':
      return pipeline.jpeg({ quality, mozjpeg: true });
    case 'png':
      return pipeline.png({ compressionLevel: 9, palette: quality < 100 });
  }
}

/**
 * `failOn: 'error'` makes truncated or corrupt input fail instead of rendering grey blocks, while
 * tolerating the benign libjpeg warnings ("extraneous bytes before marker") that real cameras produce.
 */
function openImage(
  input: ImageInput | Buffer,
  maxInputPixels: number,
  raw?: CreateRaw,
  animated = false,
): Sharp {
  return sharp(input, {
    failOn: 'error',
    limitInputPixels: maxInputPixels,
    ...(raw ? { raw } : {}),
    ...(animated ? { animated: true } : {}),
  });
}

async function finish(
  pipeline: Sharp,
  variant: ImageVariantSpec,
  source: { width: number; height: number },
): Promise<RenderedImage> {
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return {
    data,
    format: variant.format,
    mimeType: MIME_TYPE_BY_FORMAT[variant.format],
    width: info.width,
    height: info.height,
    sourceWidth: source.width,
    sourceHeight: source.height,
  };
}

/**
 * Renders one variant: EXIF orientation applied (`rotate()`), scaled down to `maxWidth` (never up),
 * every metadata block dropped (sharp keeps none unless asked with withMetadata/keepExif; the test
 * proves it, because GPS tags in a public image leak where someone lives).
 */
export async function renderImageVariant({
  input,
  variant,
  avifEffort = 2,
  maxInputPixels = DEFAULT_MAX_INPUT_PIXELS,
  meta: checked,
}: {
  input: ImageInput;
  variant: ImageVariantSpec;
  /** The input's header, when the caller has just checked it (prepareImageSourceWithMeta). */
  meta?: CheckedMetadata;
} & RenderOptions): Promise<RenderedImage> {
  const meta = checked ?? (await readCheckedMetadata(input, { maxInputPixels }));
  try {
    // An animated GIF/WebP stays animated in a WebP variant (every frame, its delays and loop); AVIF and
    // JPEG variants show the first frame. GIF and WebP carry no EXIF orientation to apply.
    const keepFrames = isAnimated(meta) && variant.format === 'webp';
    // limitInputPixels is per frame for libvips; the whole animation was bounded from the header above.
    const opened = openImage(input, maxInputPixels, undefined, keepFrames);
    const pipeline = (keepFrames ? opened : opened.rotate()).resize({
      width: variant.maxWidth,
      withoutEnlargement: true,
    });
    const rendered = await finish(encodeImage(pipeline, variant, avifEffort), variant, orientedSize(meta));
    if (!keepFrames) return rendered;
    // With all frames, sharp reports the stacked height; a viewer sees one page.
    const frames = meta.pages ?? 1;
    return { ...rendered, height: Math.round(rendered.height / frames), frames };
  } catch (err) {
    throw classifySharpError(err);
  }
}

/**
 * Renders several variants of one image with a single decode: the source is decoded (with JPEG
 * shrink-on-load), oriented and scaled once to the widest variant, and every variant is encoded from
 * those pixels. Faster than N × renderImageVariant (see bench/), but it needs every variant in one process,
 * while the pipeline fans out one job per variant for retries and parallelism across workers.
 */
export async function renderImageVariants({
  input,
  variants,
  avifEffort = 2,
  maxInputPixels = DEFAULT_MAX_INPUT_PIXELS,
}: { input: ImageInput; variants: readonly ImageVariantSpec[] } & RenderOptions): Promise<RenderedImage[]> {
  const meta = await readCheckedMetadata(input, { maxInputPixels });
  const source = orientedSize(meta);
  const widest = Math.max(...variants.map((v) => v.maxWidth));
  try {
    const { data: pixels, info } = await openImage(input, maxInputPixels)
      .rotate()
      .resize({ width: widest, withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    return await Promise.all(
      variants.map((variant) => {
        const pipeline = openImage(pixels, maxInputPixels, raw).resize({
          width: variant.maxWidth,
          withoutEnlargement: true,
        });
        return finish(encodeImage(pipeline, variant, avifEffort), variant, source);
      }),
    );
  } catch (err) {
    throw classifySharpError(err);
  }
}

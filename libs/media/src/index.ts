export type {
  ImageInfo,
  ImageInput,
  ImageOutputFormat,
  ImageVariantSpec,
  RenderedImage,
} from './image-variant.types';
export { MIME_TYPE_BY_FORMAT } from './image-variant.types';
export {
  MediaProcessingError,
  classifySharpError,
  isMediaProcessingError,
  type MediaFailureKind,
} from './media-processing.error';
export { configureSharp } from './sharp-setup.service';
export { DEFAULT_MAX_INPUT_PIXELS, readImageInfo } from './read-image-info.service';
export {
  computeImagePlaceholder,
  PLACEHOLDER_MAX_SIDE,
  type ImagePlaceholder,
} from './image-placeholder.service';
export { renderImageVariant, renderImageVariants, type RenderOptions } from './render-image-variant.service';
export * from './video';
export { decodeHeifToPng, isHevcHeif, type HeifDecodeOptions } from './heif/decode-heif.service';
export { stripPngMetadata } from './decoder-child';
export { starvedChildError } from './child-cpu';
export {
  decodeJxlToPng,
  isJpegXl,
  parseJxlHeader,
  parseJxlSize,
  readJxlHeader,
  readJxlSize,
} from './jxl/decode-jxl.service';
export {
  prepareImageSource,
  prepareImageSourceWithMeta,
  type DecodedSource,
  type PrepareImageOptions,
} from './prepare-image-source';
export {
  COMPASS_GRAVITIES,
  type CompassGravity,
  type ImageFit,
  type ImageGravity,
  type ImageTransformSpec,
} from './transform/image-transform.types';
export {
  outputSizeBound,
  transformImage,
  type TransformImageOptions,
} from './transform/transform-image.service';
export {
  formatImageOptions,
  formatsOf,
  IMAGE_FILE_EXT,
  imageLimitsOf,
  imageTransformCacheKey,
  negotiateImageFormat,
  parseImageOptions,
  resolveImageOptions,
  specFor,
  type ImageLimits,
  type ImageOptions,
  type ResolvedImageOptions,
} from './transform/image-options';

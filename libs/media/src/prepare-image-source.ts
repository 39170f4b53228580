import { decodeHeifToPng, isHevcHeif } from './heif/decode-heif.service';
import type { ImageInput } from './image-variant.types';
import { decodeJxlToPng, isJpegXl, readHead } from './jxl/decode-jxl.service';
import { readCheckedMetadata, type CheckedMetadata } from './read-image-info.service';

export interface PrepareImageOptions {
  maxInputPixels?: number;
  /** Wall-clock limit of an external decoder (heif-convert, ffmpeg for JPEG XL). Default 30 s. */
  timeoutMs?: number;
}

/**
 * The input every sharp pipeline reads: the file itself, or — for the formats the prebuilt sharp cannot
 * decode (ADR 0023) — an upright, metadata-free PNG from an external decoder in a limited child: JPEG XL
 * (told by its magic bytes, as sharp cannot even read its header) through ffmpeg, an HEVC HEIC through
 * heif-convert (told by sharp's header read).
 */
export async function prepareImageSource(
  input: ImageInput,
  opts: PrepareImageOptions = {},
): Promise<ImageInput> {
  return (await prepareImageSourceWithMeta(input, opts)).input;
}

/** prepareImageSource, plus the checked header when the input is read as it is (no second header read). */
export async function prepareImageSourceWithMeta(
  input: ImageInput,
  opts: PrepareImageOptions = {},
): Promise<{ input: ImageInput; meta?: CheckedMetadata }> {
  if (isJpegXl(await readHead(input))) return { input: await decodeJxlToPng(input, opts) };
  const meta = await readCheckedMetadata(input, { maxInputPixels: opts.maxInputPixels });
  return isHevcHeif(meta) ? { input: await decodeHeifToPng(input, opts) } : { input, meta };
}

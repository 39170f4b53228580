import { decodeHeifToPng, isHevcHeif } from './heif/decode-heif.service';
import type { ImageInput } from './image-variant.types';
import { isMediaProcessingError } from './media-processing.error';
import { decodeJxlToPng, isJpegXl, readHead } from './jxl/decode-jxl.service';
import { readCheckedMetadata, type CheckedMetadata } from './read-image-info.service';

/**
 * Where one media's decoded PNG is kept between renders (the image cache's `decodedSource` in @fjord/ingest):
 * `decodeOnce` answers the kept PNG, or runs `decode` (once, for every caller waiting) and keeps its result.
 */
export interface DecodedSource {
  decodeOnce(decode: () => Promise<Buffer>): Promise<Buffer>;
}

export interface PrepareImageOptions {
  maxInputPixels?: number;
  /** Wall-clock limit of an external decoder (heif-convert, djxl). Default 30 s. */
  timeoutMs?: number;
  /** The kept decode of this input, read instead of decoding again and written after a decode. */
  decoded?: DecodedSource;
}

/**
 * The input every sharp pipeline reads: the file itself, or — for the formats the prebuilt sharp cannot
 * decode (ADR 0023) — an upright, metadata-free PNG from an external decoder in a limited child: JPEG XL
 * (told by its magic bytes once sharp cannot read its header) through djxl, an HEVC HEIC through
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
  // The header read first: for every format sharp reads, the magic bytes are not looked at separately.
  const meta = await readCheckedMetadata(input, { maxInputPixels: opts.maxInputPixels }).catch(
    async (err: unknown) => {
      if (isMediaProcessingError(err) && err.kind === 'unsupported' && isJpegXl(await readHead(input)))
        return null;
      throw err;
    },
  );
  if (!meta) return { input: await decodedOnce(() => decodeJxlToPng(input, opts), opts) };
  if (!isHevcHeif(meta)) return { input, meta };
  return { input: await decodedOnce(() => decodeHeifToPng(input, opts), opts) };
}

function decodedOnce(decode: () => Promise<Buffer>, { decoded }: PrepareImageOptions): Promise<Buffer> {
  return decoded ? decoded.decodeOnce(decode) : decode();
}

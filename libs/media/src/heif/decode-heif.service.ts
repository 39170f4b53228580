import type { Metadata } from 'sharp';
import { decodeToPng } from '../decoder-child';
import type { ImageInput } from '../image-variant.types';
import { MediaProcessingError } from '../media-processing.error';
import { DEFAULT_MAX_INPUT_PIXELS, readCheckedMetadata } from '../read-image-info.service';

export interface HeifDecodeOptions {
  maxInputPixels?: number;
  /** Wall-clock limit of the child; killed (SIGKILL) past it. Default 30 s (a 48 MP HEIC takes ~2 s here). */
  timeoutMs?: number;
  /** Default `heif-convert` from PATH (Debian's libheif-examples). */
  binary?: string;
}

/** HEIF whose image is HEVC: the prebuilt sharp reads its header but cannot decode it (no libde265). */
export function isHevcHeif(meta: Pick<Metadata, 'format' | 'compression'>): boolean {
  return meta.format === 'heif' && meta.compression === 'hevc';
}

/**
 * Decodes an HEVC HEIC/HEIF into a metadata-free PNG through Debian's `heif-convert`, hostile-input style:
 * the header (ispe) is checked against the pixel limit by sharp before anything is decoded; the child gets
 * an args array (no shell), an empty environment but PATH, its own temp folder as cwd, address-space,
 * file-size and CPU-time limits (prlimit) and a wall-clock timeout. libheif applies irot/imir while
 * decoding, so the PNG is already upright; the EXIF orientation (which would rotate it twice) is dropped
 * with the rest of the metadata.
 */
export async function decodeHeifToPng(input: ImageInput, opts: HeifDecodeOptions = {}): Promise<Buffer> {
  const { maxInputPixels = DEFAULT_MAX_INPUT_PIXELS, timeoutMs = 30_000 } = opts;
  const meta = await readCheckedMetadata(input, { maxInputPixels });
  if (!isHevcHeif(meta)) {
    throw new MediaProcessingError('unsupported', 'Not an HEVC-coded HEIF image', true, {
      details: { format: meta.format, compression: meta.compression },
    });
  }
  return decodeToPng(input, {
    what: 'HEIC',
    ext: 'heic',
    pixels: meta.width * meta.height,
    timeoutMs,
    command: (source, output) => [opts.binary ?? 'heif-convert', '--quiet', source, output],
  });
}

import { open } from 'node:fs/promises';
import { decodeToPng } from '../decoder-child';
import type { ImageInput } from '../image-variant.types';
import { MediaProcessingError } from '../media-processing.error';
import { DEFAULT_MAX_INPUT_PIXELS, pixelLimitError } from '../read-image-info.service';

export interface JxlDecodeOptions {
  maxInputPixels?: number;
  /** Wall-clock limit of the decoder child; killed (SIGKILL) past it. Default 30 s. */
  timeoutMs?: number;
  /** Default `djxl` from PATH (Debian's libjxl-tools, the reference decoder). */
  binary?: string;
}

const CODESTREAM = [0xff, 0x0a];
/** The ISO-BMFF container: a 12-byte `JXL ` signature box, then ftyp, then the codestream in jxlc/jxlp. */
const CONTAINER = [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a];

const startsWith = (head: Uint8Array, bytes: number[]) =>
  head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** A JPEG XL file, bare codestream or container, by its first 12 bytes. */
export function isJpegXl(head: Uint8Array): boolean {
  return startsWith(head, CODESTREAM) || startsWith(head, CONTAINER);
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
type ReadAt = (offset: number, length: number) => Promise<Buffer>;

/**
 * Bytes of codestream the header fields read here can need: 2 signature bytes, the SizeHeader (≤ 68 bits),
 * then ImageMetadata up to its animation flag — 6 bits, an intrinsic SizeHeader (≤ 69), a PreviewHeader
 * (≤ 33) and the flag: 28 bytes at most.
 */
const SIZE_HEADER_BYTES = 32;
/** Boxes (Exif, XML, jumbf…) allowed before the codestream; more is not a file any encoder writes. */
const MAX_BOXES = 64;

async function codestreamHead(readAt: ReadAt): Promise<Buffer> {
  const first = await readAt(0, CONTAINER.length);
  if (startsWith(first, CODESTREAM)) return readAt(0, SIZE_HEADER_BYTES);
  // The codestream as libjxl sees it: a jxlc's payload, or the jxlp payloads joined in file order (a
  // header may be split across parts, so one part alone could show a size libjxl never decodes).
  const parts: Buffer[] = [];
  let have = 0;
  let at = CONTAINER.length;
  for (let boxes = 0; boxes < MAX_BOXES && have < SIZE_HEADER_BYTES; boxes++) {
    const header = await readAt(at, 16);
    if (header.length < 8) break;
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let payload = at + 8;
    if (size === 1) {
      if (header.length < 16) break;
      size = Number(header.readBigUInt64BE(8));
      payload = at + 16;
    }
    const end = size === 0 ? Number.MAX_SAFE_INTEGER : at + size;
    if (size !== 0 && (size < payload - at || !Number.isSafeInteger(end))) break; // nonsense sizes
    if (type === 'jxlc') {
      if (parts.length) break; // both forms in one file: not a file any encoder writes
      return readAt(payload, SIZE_HEADER_BYTES);
    }
    if (type === 'jxlp') {
      // A 4-byte part index (high bit: the last part), then this part's slice of the codestream.
      const slice = await readAt(
        payload + 4,
        Math.max(0, Math.min(SIZE_HEADER_BYTES - have, end - payload - 4)),
      );
      parts.push(slice);
      have += slice.length;
    }
    if (size === 0) break; // "to the end of the file": nothing after it
    at = end;
  }
  if (parts.length) return Buffer.concat(parts); // too short: parseJxlSize says truncated
  throw new MediaProcessingError('corrupt', 'The JPEG XL file has no image in it', true);
}

/** The codestream's bits, least significant first, as ISO/IEC 18181-1 reads them. */
class BitReader {
  private bit = 0;
  constructor(private readonly bytes: Buffer) {}
  read(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++, this.bit++) {
      const byte = this.bytes[this.bit >> 3];
      if (byte === undefined)
        throw new MediaProcessingError('corrupt', 'The JPEG XL header is truncated', true);
      value += ((byte >> (this.bit & 7)) & 1) * 2 ** i;
    }
    return value;
  }
  /** U32(Bits(9), Bits(13), Bits(18), Bits(30)): the distribution SizeHeader uses for a dimension. */
  dimension(): number {
    return this.read([9, 13, 18, 30][this.read(2)]!) + 1;
  }
}

/** SizeHeader's fixed aspect ratios (xsize = ysize × n / d), by its 3-bit `ratio` field. */
const RATIOS: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [12, 10],
  [4, 3],
  [3, 2],
  [16, 9],
  [5, 4],
  [2, 1],
];

function readSizeHeader(bits: BitReader): { width: number; height: number } {
  const small = bits.read(1) === 1;
  const height = small ? (bits.read(5) + 1) * 8 : bits.dimension();
  const ratio = bits.read(3);
  if (ratio !== 0) {
    const [n, d] = RATIOS[ratio - 1]!;
    return { width: Math.floor((height * n) / d), height };
  }
  return { width: small ? (bits.read(5) + 1) * 8 : bits.dimension(), height };
}

/** PreviewHeader: skipped, only its length matters (U32 selectors, then 0/5/9 or 6/8/10/12 bits). */
function skipPreviewHeader(bits: BitReader): void {
  const div8 = bits.read(1) === 1;
  const side = () => bits.read((div8 ? [0, 0, 5, 9] : [6, 8, 10, 12])[bits.read(2)]!);
  side();
  if (bits.read(3) === 0) side();
}

function codestreamBits(codestream: Buffer): BitReader {
  if (!startsWith(codestream, CODESTREAM)) {
    throw new MediaProcessingError('corrupt', 'The JPEG XL file is corrupt', true);
  }
  return new BitReader(codestream.subarray(2));
}

/**
 * The image's width and height from the codestream's SizeHeader — a few bytes, nothing decoded — so the
 * pixel limit is checked before any decoder sees the file.
 */
export function parseJxlSize(codestream: Buffer): { width: number; height: number } {
  return readSizeHeader(codestreamBits(codestream));
}

/**
 * SizeHeader, then ImageMetadata as far as `have_animation` (ISO/IEC 18181-1: all_default, extra_fields,
 * orientation, intrinsic size, preview): whether the file is an animation, told before anything decodes it.
 */
export function parseJxlHeader(codestream: Buffer): { width: number; height: number; animated: boolean } {
  const bits = codestreamBits(codestream);
  const size = readSizeHeader(bits);
  const allDefault = bits.read(1) === 1;
  if (allDefault || bits.read(1) === 0) return { ...size, animated: false }; // no extra fields
  bits.read(3); // orientation
  if (bits.read(1) === 1) readSizeHeader(bits); // intrinsic size
  if (bits.read(1) === 1) skipPreviewHeader(bits);
  return { ...size, animated: bits.read(1) === 1 };
}

async function withReader<T>(input: ImageInput, use: (readAt: ReadAt) => Promise<T>): Promise<T> {
  if (typeof input !== 'string') {
    return use(async (offset, length) => input.subarray(offset, offset + length));
  }
  const file = await open(input, 'r');
  try {
    return await use(async (offset, length) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    });
  } finally {
    await file.close();
  }
}

/** Width and height of a JPEG XL file, bare or in its container, from its header. */
export function readJxlSize(input: ImageInput): Promise<{ width: number; height: number }> {
  return withReader(input, async (readAt) => parseJxlSize(await codestreamHead(readAt)));
}

/** readJxlSize, and whether the file is an animation. */
export function readJxlHeader(input: ImageInput): Promise<ReturnType<typeof parseJxlHeader>> {
  return withReader(input, async (readAt) => parseJxlHeader(await codestreamHead(readAt)));
}

/** The first 12 bytes of a file or buffer: enough to tell a JPEG XL. */
export function readHead(input: ImageInput): Promise<Buffer> {
  return withReader(input, (readAt) => readAt(0, CONTAINER.length));
}

/**
 * Decodes a JPEG XL into a metadata-free PNG. The prebuilt sharp has no libjxl; Debian's libjxl-tools has
 * `djxl` (ADR 0023), so the same hostile-input shape as HEIC: the SizeHeader checked against the pixel limit
 * first, then djxl in a limited child (prlimit, an args array, PATH only), and the PNG's chunks cut to
 * pixels and colour. An animation is refused from its header (djxl would decode every frame). libjxl
 * applies the codestream's orientation while decoding; the container's Exif and XMP boxes are not read.
 */
export async function decodeJxlToPng(input: ImageInput, opts: JxlDecodeOptions = {}): Promise<Buffer> {
  const { maxInputPixels = DEFAULT_MAX_INPUT_PIXELS, timeoutMs = 30_000 } = opts;
  const { width, height } = await readJxlSize(input);
  if (width * height > maxInputPixels) throw pixelLimitError(width, height, maxInputPixels);
  // djxl has no "first frame only": it would write every frame (into the file-size limit, as a failure).
  if ((await readJxlHeader(input)).animated) {
    throw new MediaProcessingError(
      'unsupported',
      'Animated JPEG XL is not supported; upload the animation as a GIF, an animated WebP or a video',
      true,
    );
  }
  return decodeToPng(input, {
    what: 'JPEG XL',
    ext: 'jxl',
    pixels: width * height,
    timeoutMs,
    command: (source, output) => [opts.binary ?? 'djxl', source, output, '--quiet'],
  });
}

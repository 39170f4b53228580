import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import sharp from 'sharp';

/**
 * Image fixtures built with sharp at test time (no binary files in git). Exported as
 * `@fjord/media/testing` so pipeline and e2e tests upload the same images the media tests check.
 */

export interface JpegFixtureOptions {
  width?: number;
  height?: number;
  /** EXIF orientation 1–8 written into the file (the pixels are stored unrotated). */
  orientation?: number;
  /** Adds camera make/model and a GPS position, as a phone would. */
  hasGps?: boolean;
  quality?: number;
}

/** A flat-colour JPEG: cheap to build; sizes and metadata are what the tests look at. */
export async function createJpegFixture({
  width = 4000,
  height = 3000,
  orientation,
  hasGps = false,
  quality = 85,
}: JpegFixtureOptions = {}): Promise<Buffer> {
  let image = sharp({ create: { width, height, channels: 3, background: { r: 180, g: 90, b: 40 } } }).jpeg({
    quality,
  });
  if (hasGps) {
    image = image.withExif({
      IFD0: { Make: 'Fjord', Model: 'Test Camera' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '59/1 54/1 1234/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '10/1 45/1 0/1',
      },
    });
  }
  if (orientation) image = image.withMetadata({ orientation });
  return image.toBuffer();
}

/**
 * A JPEG with photo-like content (smooth blobs plus fine grain), so encoders do realistic work.
 * Benchmarks use it: a flat colour compresses to nothing and makes every encoder look fast.
 */
export async function createPhotoLikeJpeg({ width = 4000, height = 3000 } = {}): Promise<Buffer> {
  const blobs = await sharp({
    create: {
      width: Math.ceil(width / 16),
      height: Math.ceil(height / 16),
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .resize(width, height, { kernel: 'cubic' })
    .blur(3)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 12 },
    },
  })
    .png()
    .toBuffer();
  return sharp(blobs.data, { raw: blobs.info })
    .composite([{ input: grain, blend: 'overlay' }])
    .jpeg({ quality: 88 })
    .toBuffer();
}

/** A PNG with a transparent border and a half-transparent centre. */
export async function createAlphaPngFixture({ width = 64, height = 48 } = {}): Promise<Buffer> {
  const inner = await sharp({
    create: {
      width: width / 2,
      height: height / 2,
      channels: 4,
      background: { r: 0, g: 120, b: 255, alpha: 0.5 },
    },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: inner, left: width / 4, top: height / 4 }])
    .png()
    .toBuffer();
}

/** The first half of a valid file: what an interrupted upload leaves. */
export function truncateFixture(data: Buffer, fraction = 0.5): Buffer {
  return Buffer.from(data.subarray(0, Math.floor(data.length * fraction)));
}

export function createRandomBytesFixture(length = 4096): Buffer {
  return randomBytes(length);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A decompression bomb: a valid 1-bit greyscale PNG of width×height pixels whose file is tiny
 * (30000×30000 → ~110 KB on disk, 2.7 GB once decoded to RGB).
 */
export function createPixelBombPng({ width = 30_000, height = 30_000 } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filter, no interlace
  const rowBytes = 1 + Math.ceil(width / 8);
  const deflate = zlib.deflateSync(Buffer.alloc(rowBytes * height), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflate),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Tag ids present in IFD0 of an EXIF block (as sharp's metadata().exif returns it), enough to tell
 * whether a GPS IFD (tag 0x8825) survived. Returns [] for a missing block.
 */
export function listExifIfd0Tags(exif: Buffer | undefined): number[] {
  if (!exif) return [];
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  const isLittleEndian = tiff.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (at: number) => (isLittleEndian ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (isLittleEndian ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  return Array.from({ length: u16(ifd) }, (_, i) => u16(ifd + 2 + i * 12));
}

export const EXIF_GPS_IFD_TAG = 0x8825;
export * from './video-fixtures';
export * from './cmaf-probe';
export * from './heic-fixtures';
export * from './jxl-fixtures';

import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageVariantSpec } from '../image-variant.types';
import { renderImageVariant } from '../render-image-variant.service';
import {
  EXIF_GPS_IFD_TAG,
  createHeicFixture,
  createJpegFixture,
  listExifIfd0Tags,
  truncateFixture,
} from '../testing/fixtures';
import { prepareImageSource } from '../prepare-image-source';
import { stripPngMetadata } from '../decoder-child';
import { decodeHeifToPng } from './decode-heif.service';

const THUMB: ImageVariantSpec = { name: 'thumb-webp', format: 'webp', maxWidth: 320, quality: 75 };

/** Mean RGB of a 20×20 patch of the decoded image at (left, top). */
async function patch(input: Buffer, left: number, top: number): Promise<number[]> {
  const { data, info } = await sharp(input)
    .extract({ left, top, width: 20, height: 20 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
  return sum.map((v) => Math.round(v / (data.length / info.channels)));
}
const isRed = ([r, , b]: number[]) => r! > 150 && b! < 90;
const isBlue = ([r, , b]: number[]) => b! > 150 && r! < 90;

function pngChunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at + 12 <= png.length; at += 12 + png.readUInt32BE(at))
    types.push(png.toString('latin1', at + 4, at + 8));
  return types;
}

let phone: Buffer;

beforeAll(async () => {
  // As a phone writes it: stored 1200×600 (red left half), irot 1 (90° anticlockwise), EXIF orientation 6
  // for readers that only know EXIF, and GPS tags.
  phone = await createHeicFixture({ irot: 1, exifOrientation: 6, hasGps: true });
  const meta = await sharp(phone).metadata();
  expect(meta).toMatchObject({ format: 'heif', compression: 'hevc' });
  expect(listExifIfd0Tags(meta.exif)).toContain(EXIF_GPS_IFD_TAG); // the fixture carries GPS
  await expect(sharp(phone).toBuffer()).rejects.toThrow(); // and the prebuilt sharp cannot decode it
});

describe('decodeHeifToPng (real heif-enc / heif-convert)', () => {
  it('applies irot once (EXIF orientation ignored), and keeps no EXIF, GPS or orientation', async () => {
    const png = await decodeHeifToPng(phone);
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 600, height: 1200 });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(pngChunkTypes(png)).not.toContain('eXIf');
    // 90° anticlockwise: the stored left (red) half is now the bottom.
    expect(isBlue(await patch(png, 290, 100))).toBe(true);
    expect(isRed(await patch(png, 290, 1080))).toBe(true);
  });

  it('applies imir: the red left half of the stored image ends up on the right', async () => {
    // libheif 1.15 mirrors left↔right for axis 1 (the 2017 text's wording of `axis` and its later
    // amendment's `mode` disagree); Fjord follows libheif, whatever it reads.
    const png = await decodeHeifToPng(await createHeicFixture({ width: 400, height: 200, imir: 1 }));
    expect(isBlue(await patch(png, 10, 90))).toBe(true);
    expect(isRed(await patch(png, 370, 90))).toBe(true);
  });

  it('renders a clean, upright variant from the prepared source', async () => {
    const source = await prepareImageSource(phone);
    const out = await renderImageVariant({ input: source, variant: THUMB });
    expect(out).toMatchObject({ width: 320, height: 640, sourceWidth: 600, sourceHeight: 1200 });
    const meta = await sharp(out.data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(out.data.includes(Buffer.from('Test Phone'))).toBe(false);
  });

  it('leaves other formats to sharp', async () => {
    const jpeg = await createJpegFixture({ width: 64, height: 48 });
    expect(await prepareImageSource(jpeg)).toBe(jpeg);
  });

  it('refuses past the pixel limit from the header, before decoding', async () => {
    await expect(decodeHeifToPng(phone, { maxInputPixels: 100_000 })).rejects.toMatchObject({
      kind: 'too_large',
      message: expect.stringMatching(/600×1200 pixels exceeds the 0\.1-megapixel limit/),
    });
  });

  it('kills a decode that runs past its time limit', async () => {
    // 1 ms: which verdict it gets depends on whether heif-convert was scheduled before the timer fired (CPU
    // time is counted in 10 ms ticks); decoder-child.int.test.ts tests each side on its own.
    await expect(decodeHeifToPng(phone, { timeoutMs: 1 })).rejects.toMatchObject({
      message: expect.stringMatching(
        /^(Decoding the HEIC image took longer than 0 s|This worker was too busy to decode the HEIC image)/,
      ),
    });
  });

  it('fails a truncated HEIC as corrupt, with no retry', async () => {
    const truncated = truncateFixture(phone, 0.7);
    await expect(decodeHeifToPng(truncated)).rejects.toMatchObject({ isPermanent: true });
  });

  it('reports a missing heif-convert as the worker’s problem (retryable)', async () => {
    await expect(decodeHeifToPng(phone, { binary: '/nonexistent/heif-convert' })).rejects.toMatchObject({
      kind: 'unknown',
      isPermanent: false,
    });
  });
});

describe('stripPngMetadata', () => {
  it('drops text chunks and eXIf, keeps pixels', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
      .png()
      .withExif({ IFD0: { Make: 'X' } })
      .toBuffer();
    expect(pngChunkTypes(png)).toContain('eXIf');
    const clean = stripPngMetadata(png);
    expect(
      pngChunkTypes(clean).filter(
        (t) => !['IHDR', 'IDAT', 'IEND', 'iCCP', 'sRGB', 'gAMA', 'cHRM', 'PLTE', 'tRNS'].includes(t),
      ),
    ).toEqual([]);
    expect((await sharp(clean).metadata()).width).toBe(8);
  });
});

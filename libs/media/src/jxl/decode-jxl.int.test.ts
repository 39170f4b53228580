import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isMediaProcessingError } from '../media-processing.error';
import { prepareImageSource } from '../prepare-image-source';
import { renderImageVariant } from '../render-image-variant.service';
import { createJpegFixture, createJxlFixture, createMovingGifFixture } from '../testing/fixtures';
import { decodeJxlToPng, isJpegXl, parseJxlSize, readJxlHeader, readJxlSize } from './decode-jxl.service';

const run = promisify(execFile);

/** Mean RGBA of a 10×10 patch of the decoded image at (left, top). */
async function patch(input: Buffer, left: number, top: number): Promise<number[]> {
  const { data, info } = await sharp(input)
    .ensureAlpha()
    .extract({ left, top, width: 10, height: 10 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 4; c++) sum[c]! += data[i + c]!;
  return sum.map((v) => Math.round(v / (data.length / info.channels)));
}

function pngChunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at + 12 <= png.length; at += 12 + png.readUInt32BE(at))
    types.push(png.toString('latin1', at + 4, at + 8));
  return types;
}

/** A codestream that is only a SizeHeader (ISO/IEC 18181-1), written bit by bit, least significant first. */
function sizeHeaderOnly(fields: [value: number, bits: number][]): Buffer {
  const bits: number[] = [];
  for (const [value, count] of fields)
    for (let i = 0; i < count; i++) bits.push(Math.floor(value / 2 ** i) % 2);
  const bytes = Buffer.alloc(2 + Math.ceil(bits.length / 8));
  bytes[0] = 0xff;
  bytes[1] = 0x0a;
  bits.forEach((bit, i) => (bytes[2 + (i >> 3)]! |= bit << (i & 7)));
  return bytes;
}

describe('JPEG XL input (djxl, libjxl, ADR 0023)', () => {
  it('reads width and height from the SizeHeader of every layout, as the decoder sees them', async () => {
    for (const [width, height] of [
      [64, 48], // small header (multiples of 8) and a fixed 4:3 ratio
      [258, 1022], // 9- and 13-bit dimensions
      [1200, 600], // 2:1 ratio
      [2000, 1126], // no ratio, 13-bit
    ] as const) {
      for (const layout of width === 1200
        ? (['codestream', 'jxlc', 'jxlp'] as const)
        : (['codestream'] as const)) {
        const jxl = await createJxlFixture({ width, height, layout });
        expect(isJpegXl(jxl.subarray(0, 12))).toBe(true);
        expect(await readJxlSize(jxl)).toEqual({ width, height });
        const png = await decodeJxlToPng(jxl);
        expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width, height });
      }
    }
  }, 120_000);

  it('decodes upright with its alpha, and keeps no metadata: the container Exif box never reaches the PNG', async () => {
    const jxl = await createJxlFixture({ width: 400, height: 200, hasAlpha: true, layout: 'jxlp' });
    expect(jxl.includes(Buffer.from('GPS 59N'))).toBe(true);
    const png = await decodeJxlToPng(jxl);
    expect(png.includes(Buffer.from('GPS 59N'))).toBe(false);
    expect(
      pngChunkTypes(png).every((t) =>
        ['IHDR', 'PLTE', 'tRNS', 'iCCP', 'sRGB', 'gAMA', 'cHRM', 'IDAT', 'IEND'].includes(t),
      ),
    ).toBe(true);
    const [left, right] = await Promise.all([patch(png, 50, 95), patch(png, 340, 95)]);
    expect(left![0]).toBeGreaterThan(150); // red, opaque
    expect(left![3]).toBe(255);
    expect(right![3]).toBe(0); // the see-through half stays see-through
  });

  it('applies the orientation the codestream header carries (EXIF 6: turned a quarter clockwise)', async () => {
    const jxl = await createJxlFixture({ width: 400, height: 200, orientation: 6 });
    expect(await readJxlSize(jxl)).toEqual({ width: 400, height: 200 }); // as stored
    const png = await decodeJxlToPng(jxl);
    expect(await sharp(png).metadata()).toMatchObject({ width: 200, height: 400 }); // as shown
    // The stored left (red) half is the top once turned; the blue one the bottom.
    const [top, bottom] = await Promise.all([patch(png, 95, 50), patch(png, 95, 340)]);
    expect(top![0]).toBeGreaterThan(150);
    expect(bottom![2]).toBeGreaterThan(150);
    // A variant of it is upright too, and carries no orientation tag to apply twice.
    const variant = await renderImageVariant({
      input: await prepareImageSource(jxl),
      variant: { name: 'v', format: 'jpeg', quality: 80, maxWidth: 100 },
    });
    expect(variant).toMatchObject({ width: 100, height: 200 });
    expect((await sharp(variant.data).metadata()).orientation).toBeUndefined();
  });

  it('refuses an animated JPEG XL from its header, and reads stills (plain and oriented) as stills', async () => {
    const gif = await createMovingGifFixture({ width: 160, height: 90, frames: 12 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fjord-jxl-anim-'));
    try {
      await writeFile(path.join(dir, 'in.gif'), gif);
      await run('cjxl', [path.join(dir, 'in.gif'), path.join(dir, 'out.jxl'), '--quiet']);
      const animation = await readFile(path.join(dir, 'out.jxl'));
      expect(await readJxlHeader(animation)).toEqual({ width: 160, height: 90, animated: true });
      const err = await decodeJxlToPng(animation).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'unsupported', isPermanent: true });
      expect((err as Error).message).toMatch(
        /Animated JPEG XL is not supported; upload the animation as a GIF/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    for (const still of [
      await createJxlFixture({ width: 400, height: 200 }),
      await createJxlFixture({ width: 400, height: 200, orientation: 6 }), // extra fields present
    ]) {
      expect(await readJxlHeader(still)).toEqual({ width: 400, height: 200, animated: false });
    }
  });

  it('refuses a header over the pixel limit before any decoder runs', async () => {
    const jxl = await createJxlFixture({ width: 1200, height: 600 });
    // A missing binary would fail as "not available": the limit must answer first.
    const err = await decodeJxlToPng(jxl, { maxInputPixels: 100_000, binary: '/nonexistent/djxl' }).catch(
      (e: unknown) => e,
    );
    expect(isMediaProcessingError(err) && err.kind).toBe('too_large');
    expect((err as Error).message).toBe(
      'Image is too large: 1200×600 pixels exceeds the 0.1-megapixel limit',
    );
  });

  it('reads a lying 30000×30000 header (a decompression bomb) without decoding it', async () => {
    // small=0; ysize-1 = 29999 in Bits(18) (selector 2); ratio 1 (square)
    const bomb = sizeHeaderOnly([
      [0, 1],
      [2, 2],
      [29_999, 18],
      [1, 3],
    ]);
    expect(parseJxlSize(bomb)).toEqual({ width: 30_000, height: 30_000 });
    const err = await prepareImageSource(bomb).catch((e: unknown) => e);
    expect(isMediaProcessingError(err) && err.kind).toBe('too_large');
  });

  it('reads the header as libjxl does when a jxlp part splits it, and calls nonsense box sizes corrupt', async () => {
    const codestream = await createJxlFixture({ width: 1200, height: 600 });
    const box = (type: string, payload: Buffer) => {
      const header = Buffer.alloc(8);
      header.writeUInt32BE(8 + payload.length, 0);
      header.write(type, 4, 'latin1');
      return Buffer.concat([header, payload]);
    };
    const index = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    const signature = box('JXL ', Buffer.from([0x0d, 0x0a, 0x87, 0x0a]));
    const ftyp = box('ftyp', Buffer.from('jxl \0\0\0\0jxl ', 'latin1'));
    // The first part is the 2-byte signature only: the size is in the next part, after its box header.
    const split = Buffer.concat([
      signature,
      ftyp,
      box('jxlp', Buffer.concat([index(0), codestream.subarray(0, 2)])),
      box('jxlp', Buffer.concat([index(0x80000001), codestream.subarray(2)])),
    ]);
    expect(await readJxlSize(split)).toEqual({ width: 1200, height: 600 });
    expect(await sharp(await decodeJxlToPng(split)).metadata()).toMatchObject({ width: 1200, height: 600 });
    // A 64-bit box size past any file: corrupt (permanent), not a crash that would be retried.
    const huge = Buffer.concat([
      signature,
      ftyp,
      Buffer.from([0, 0, 0, 1]),
      Buffer.from('Exif'),
      Buffer.alloc(8, 0xff),
    ]);
    const err = await readJxlSize(huge).catch((e: unknown) => e);
    expect(isMediaProcessingError(err) && [err.kind, err.isPermanent]).toEqual(['corrupt', true]);
  });

  it('calls a truncated or broken file corrupt (permanent), and a missing decoder the machine’s fault', async () => {
    const jxl = await createJxlFixture({ width: 400, height: 200 });
    const truncated = await decodeJxlToPng(jxl.subarray(0, 200)).catch((e: unknown) => e);
    expect(isMediaProcessingError(truncated) && [truncated.kind, truncated.isPermanent]).toEqual([
      'corrupt',
      true,
    ]);
    expect((truncated as Error).message).toBe('The JPEG XL image could not be decoded');
    const headerOnly = await readJxlSize(Buffer.from([0xff, 0x0a])).catch((e: unknown) => e);
    expect(isMediaProcessingError(headerOnly) && headerOnly.kind).toBe('corrupt');
    const missing = await decodeJxlToPng(jxl, { binary: '/nonexistent/djxl' }).catch((e: unknown) => e);
    expect(isMediaProcessingError(missing) && [missing.kind, missing.isPermanent]).toEqual([
      'unknown',
      false,
    ]);
    expect((missing as Error).message).toBe('JPEG XL decoding is not available on this worker');
  });

  it('prepareImageSource hands sharp a PNG for a JPEG XL file on disk, and other formats untouched', async () => {
    const jxl = await createJxlFixture({ width: 640, height: 320, layout: 'jxlc' });
    const file = `${process.env.TMPDIR ?? '/tmp'}/fjord-jxl-${process.pid}.jxl`;
    await import('node:fs/promises').then((fs) => fs.writeFile(file, jxl));
    const source = await prepareImageSource(file);
    expect(Buffer.isBuffer(source)).toBe(true);
    const webp = await renderImageVariant({
      input: source,
      variant: { name: 'thumb-webp', format: 'webp', maxWidth: 320, quality: 75 },
    });
    expect(webp).toMatchObject({ width: 320, height: 160, sourceWidth: 640, sourceHeight: 320 });
    const jpeg = await createJpegFixture({ width: 64, height: 48 });
    expect(await prepareImageSource(jpeg)).toBe(jpeg);
  });
});

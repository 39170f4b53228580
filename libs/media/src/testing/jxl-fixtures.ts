import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

export interface JxlFixtureOptions {
  width?: number;
  height?: number;
  /** A fourth channel with the right half see-through. */
  hasAlpha?: boolean;
  /**
   * `codestream`: the bare `ff 0a` stream ffmpeg writes; `jxlc`: that stream in the ISO-BMFF container;
   * `jxlp`: the container with an Exif box first and the stream split over two jxlp boxes.
   */
  layout?: 'codestream' | 'jxlc' | 'jxlp';
  /**
   * An EXIF orientation (1–8) written into the codestream's own orientation field: the image is encoded by
   * Debian's `cjxl` from a JPEG that carries the tag, which libjxl moves into the header (ffmpeg's encoder
   * cannot write one). cjxl's layout then, whatever `layout` says.
   */
  orientation?: number;
}

/**
 * A real JPEG XL made by Debian's ffmpeg (libjxl encoder) from a PNG whose left half is red and right half
 * blue, so a test can tell which way the decoded image is turned; wrapped in the container by hand for the
 * other layouts (ISO/IEC 18181-2: signature box, ftyp `jxl `, then jxlc or jxlp boxes).
 */
export async function createJxlFixture({
  width = 1200,
  height = 600,
  hasAlpha = false,
  layout = 'codestream',
  orientation,
}: JxlFixtureOptions = {}): Promise<Buffer> {
  const channels = hasAlpha ? 4 : 3;
  const half = (r: number, b: number, alpha: number) =>
    sharp({
      create: { width: width / 2, height, channels, background: { r, g: 20, b, alpha } },
    })
      .png()
      .toBuffer();
  const png = await sharp({
    create: { width, height, channels, background: { r: 0, g: 0, b: 0, alpha: hasAlpha ? 0 : 1 } },
  })
    .composite([
      { input: await half(220, 20, 1), left: 0, top: 0 },
      { input: await half(20, 220, hasAlpha ? 0 : 1), left: width / 2, top: 0 },
    ])
    .png()
    .toBuffer();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fjord-jxl-fixture-'));
  try {
    const out = path.join(dir, 'out.jxl');
    if (orientation) {
      const jpeg = await sharp(png).jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
      await writeFile(path.join(dir, 'in.jpg'), jpeg);
      // -j 0: encode the pixels (not a lossless JPEG recompression), so the header holds the orientation.
      await run('cjxl', [path.join(dir, 'in.jpg'), out, '-j', '0', '--quiet'], { timeout: 60_000 });
      return await readFile(out);
    }
    await writeFile(path.join(dir, 'in.png'), png);
    await run(
      'ffmpeg',
      ['-loglevel', 'error', '-i', path.join(dir, 'in.png'), '-c:v', 'libjxl', '-f', 'image2', out],
      {
        timeout: 60_000,
      },
    );
    const codestream = await readFile(out);
    return layout === 'codestream' ? codestream : wrapInContainer(codestream, layout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
};

function wrapInContainer(codestream: Buffer, layout: 'jxlc' | 'jxlp'): Buffer {
  const signature = box('JXL ', Buffer.from([0x0d, 0x0a, 0x87, 0x0a]));
  const ftyp = box('ftyp', Buffer.from('jxl ', 'latin1'), u32(0), Buffer.from('jxl ', 'latin1'));
  if (layout === 'jxlc') return Buffer.concat([signature, ftyp, box('jxlc', codestream)]);
  // An Exif box (with a GPS-looking payload) before the codestream, which Fjord must skip and never copy.
  const exif = box('Exif', u32(0), Buffer.from('II*\0GPS 59N 10E', 'latin1'));
  const cut = Math.floor(codestream.length / 2);
  return Buffer.concat([
    signature,
    ftyp,
    exif,
    box('jxlp', u32(0), codestream.subarray(0, cut)),
    box('jxlp', u32(0x80000001), codestream.subarray(cut)),
  ]);
}

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { JpegFixtureOptions } from './fixtures';

const run = promisify(execFile);

/** Size, GPS and quality as for the JPEG fixture; its orientation goes into the Exif item. */
export interface HeicFixtureOptions extends Omit<JpegFixtureOptions, 'orientation'> {
  /** EXIF orientation copied into the HEIC's Exif item (heif-enc keeps the JPEG's EXIF). */
  exifOrientation?: number;
  /** HEIF transform properties added to the primary item: irot (× 90° anticlockwise) and imir (axis). */
  irot?: 0 | 1 | 2 | 3;
  imir?: 0 | 1;
}

/**
 * A real HEVC HEIC made by Debian's `heif-enc` (libheif-examples) from a JPEG whose left half is red and
 * right half blue, so a test can tell which way the decoded image is turned. heif-enc writes no irot/imir,
 * so those are added to the file's property boxes (addHeifTransforms).
 */
export async function createHeicFixture({
  width = 1200,
  height = 600,
  exifOrientation,
  hasGps = false,
  irot,
  imir,
  quality = 60,
}: HeicFixtureOptions = {}): Promise<Buffer> {
  const half = await sharp({
    create: { width: width / 2, height, channels: 3, background: { r: 220, g: 20, b: 20 } },
  })
    .png()
    .toBuffer();
  let jpeg = sharp({ create: { width, height, channels: 3, background: { r: 20, g: 20, b: 220 } } })
    .composite([{ input: half, left: 0, top: 0 }])
    .jpeg({ quality: 90 });
  if (hasGps || exifOrientation) {
    jpeg = jpeg.withExif({
      IFD0: { Make: 'Fjord', Model: 'Test Phone' },
      ...(hasGps
        ? {
            IFD3: {
              GPSLatitudeRef: 'N',
              GPSLatitude: '59/1 54/1 1234/100',
              GPSLongitudeRef: 'E',
              GPSLongitude: '10/1 45/1 0/1',
            },
          }
        : {}),
    });
  }
  if (exifOrientation) jpeg = jpeg.withMetadata({ orientation: exifOrientation });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fjord-heic-fixture-'));
  try {
    await writeFile(path.join(dir, 'in.jpg'), await jpeg.toBuffer());
    await run(
      'heif-enc',
      ['-q', String(quality), '-o', path.join(dir, 'out.heic'), path.join(dir, 'in.jpg')],
      {
        timeout: 60_000,
      },
    );
    const heic = await readFile(path.join(dir, 'out.heic'));
    const transforms = [
      ...(irot === undefined ? [] : [{ type: 'irot' as const, value: irot }]),
      ...(imir === undefined ? [] : [{ type: 'imir' as const, value: imir }]),
    ];
    return transforms.length ? addHeifTransforms(heic, transforms) : heic;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Box = { type: string; start: number; size: number; header: number };

function childBoxes(buf: Buffer, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  for (let at = from; at + 8 <= to;) {
    const size = buf.readUInt32BE(at);
    if (size < 8) throw new Error(`unsupported box size ${size} at ${at}`);
    boxes.push({ type: buf.toString('latin1', at + 4, at + 8), start: at, size, header: 8 });
    at += size;
  }
  return boxes;
}

function find(boxes: Box[], type: string): Box {
  const box = boxes.find((b) => b.type === type);
  if (!box) throw new Error(`no ${type} box`);
  return box;
}

const readN = (buf: Buffer, at: number, n: number) =>
  n === 0 ? 0 : n === 4 ? buf.readUInt32BE(at) : Number(buf.readBigUInt64BE(at));
const writeN = (buf: Buffer, at: number, n: number, v: number) =>
  n === 4 ? buf.writeUInt32BE(v, at) : n === 8 ? buf.writeBigUInt64BE(BigInt(v), at) : undefined;

/**
 * Appends transform properties (irot, imir) to `ipco` and associates them with the primary item in `ipma`,
 * growing the enclosing boxes and moving iloc's file offsets by the bytes added (mdat follows meta in
 * heif-enc's files). Enough of ISO/IEC 23008-12 for heif-enc's output; a test helper, not a HEIF writer.
 */
export function addHeifTransforms(
  heic: Buffer,
  transforms: { type: 'irot' | 'imir'; value: number }[],
): Buffer {
  const top = childBoxes(heic, 0, heic.length);
  const meta = find(top, 'meta');
  const metaKids = childBoxes(heic, meta.start + 12, meta.start + meta.size);
  const pitm = find(metaKids, 'pitm');
  const primary = heic.readUInt16BE(pitm.start + 12);
  const iloc = find(metaKids, 'iloc');
  const iprp = find(metaKids, 'iprp');
  const iprpKids = childBoxes(heic, iprp.start + 8, iprp.start + iprp.size);
  const ipco = find(iprpKids, 'ipco');
  const ipma = find(iprpKids, 'ipma');
  const propertyCount = childBoxes(heic, ipco.start + 8, ipco.start + ipco.size).length;

  const props = Buffer.concat(
    transforms.map(({ type, value }) => {
      const b = Buffer.alloc(9);
      b.writeUInt32BE(9, 0);
      b.write(type, 4, 'latin1');
      b.writeUInt8(value, 8);
      return b;
    }),
  );
  // ipma: version(1) flags(3) entry_count(4), then per entry item_ID(2 or 4) count(1) associations(1 or 2).
  const version = heic.readUInt8(ipma.start + 8);
  const wide = (heic.readUInt32BE(ipma.start + 8) & 1) === 1;
  const idSize = version < 1 ? 2 : 4;
  const entries = heic.readUInt32BE(ipma.start + 12);
  let at = ipma.start + 16;
  let countAt = -1;
  let insertAt = -1;
  for (let i = 0; i < entries; i++) {
    const id = idSize === 2 ? heic.readUInt16BE(at) : heic.readUInt32BE(at);
    const count = heic.readUInt8(at + idSize);
    const end = at + idSize + 1 + count * (wide ? 2 : 1);
    if (id === primary) [countAt, insertAt] = [at + idSize, end];
    at = end;
  }
  if (insertAt < 0) throw new Error('the primary item has no ipma entry');
  const associations = Buffer.concat(
    transforms.map((_, i) => {
      const index = propertyCount + 1 + i;
      const b = Buffer.alloc(wide ? 2 : 1);
      if (wide) b.writeUInt16BE(0x8000 | index);
      else b.writeUInt8(0x80 | index);
      return b;
    }),
  );
  const added = props.length + associations.length;
  const ipcoEnd = ipco.start + ipco.size;
  // ipco precedes ipma in heif-enc's files: insert from the back so earlier offsets stay valid.
  if (ipcoEnd > ipma.start) throw new Error('expected ipco before ipma');
  const out = Buffer.concat([
    heic.subarray(0, ipcoEnd),
    props,
    heic.subarray(ipcoEnd, insertAt),
    associations,
    heic.subarray(insertAt),
  ]);
  const grow = (start: number, by: number) => out.writeUInt32BE(out.readUInt32BE(start) + by, start);
  grow(meta.start, added);
  grow(iprp.start, added);
  grow(ipco.start, props.length);
  grow(ipma.start + props.length, associations.length);
  out.writeUInt8(out.readUInt8(countAt + props.length) + transforms.length, countAt + props.length);

  // iloc (before iprp, so unmoved): shift every file offset that points past meta.
  const metaEnd = meta.start + meta.size;
  const ilocVersion = out.readUInt8(iloc.start + 8);
  const sizes = out.readUInt8(iloc.start + 12);
  const sizes2 = out.readUInt8(iloc.start + 13);
  const [offsetSize, lengthSize, baseSize] = [sizes >> 4, sizes & 15, sizes2 >> 4];
  const indexSize = ilocVersion > 0 ? sizes2 & 15 : 0;
  let p = iloc.start + 14;
  const itemCount = ilocVersion < 2 ? out.readUInt16BE(p) : out.readUInt32BE(p);
  p += ilocVersion < 2 ? 2 : 4;
  for (let i = 0; i < itemCount; i++) {
    p += ilocVersion < 2 ? 2 : 4; // item_ID
    if (ilocVersion > 0) p += 2; // construction_method
    p += 2; // data_reference_index
    const base = readN(out, p, baseSize);
    const baseAt = p;
    p += baseSize;
    const extents = out.readUInt16BE(p);
    p += 2;
    if (baseSize > 0 && base >= metaEnd) writeN(out, baseAt, baseSize, base + added);
    for (let e = 0; e < extents; e++) {
      p += indexSize;
      const offset = readN(out, p, offsetSize);
      if (offsetSize > 0 && base + offset >= metaEnd && !(baseSize > 0 && base >= metaEnd)) {
        writeN(out, p, offsetSize, offset + added);
      }
      p += offsetSize + lengthSize;
    }
  }
  return out;
}

/**
 * A real animated GIF or WebP built by sharp from `frames` flat-colour frames (hue walks the wheel), each
 * shown `delayMs`; so a test can count frames and tell the first from the last.
 */
export async function createAnimatedFixture({
  format = 'gif',
  width = 400,
  height = 200,
  frames = 12,
  delayMs = 100,
}: { format?: 'gif' | 'webp'; width?: number; height?: number; frames?: number; delayMs?: number } = {}) {
  const pages = await Promise.all(
    Array.from({ length: frames }, (_, i) =>
      sharp({
        create: {
          width,
          height,
          channels: 3,
          background: { r: (i * 53) % 256, g: 255 - ((i * 53) % 256), b: (i * 97) % 256 },
        },
      })
        .png()
        .toBuffer(),
    ),
  );
  const joined = sharp(pages, { join: { animated: true } });
  const delay = Array.from({ length: frames }, () => delayMs);
  return (format === 'gif' ? joined.gif({ delay, loop: 0 }) : joined.webp({ delay, loop: 0 })).toBuffer();
}

export type SniffedMediaType = { kind: 'IMAGE' | 'VIDEO'; mime: string; ext: string };

/** Bytes needed to recognise every supported format (ISO-BMFF brands at 8..12, the EBML DocType within 64). */
export const SNIFF_BYTES = 64;

const startsWith = (head: Uint8Array, bytes: number[], offset = 0) =>
  head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);
const ascii = (head: Uint8Array, start: number, end: number) =>
  String.fromCharCode(...head.subarray(start, Math.min(end, head.length)));

const JXL_CONTAINER = [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
const AVIF_BRANDS = new Set(['avif', 'avis']);
/** HEIF stills share the ISO-BMFF box layout with MP4; they are not videos. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
/** Old QuickTime files may open with one of these boxes instead of `ftyp`. */
const QUICKTIME_FIRST_BOXES = new Set(['moov', 'mdat', 'wide', 'free', 'skip']);

/**
 * MP4/MOV (ISO-BMFF) or WebM/MKV (EBML). Only a cheap first gate, so the web process never spawns
 * anything per upload: ffprobe in the transcode worker decides against the codec allowlist.
 */
function sniffVideo(head: Uint8Array): SniffedMediaType | null {
  const box = ascii(head, 4, 8);
  if (box === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (AVIF_BRANDS.has(brand) || HEIF_BRANDS.has(brand) || head.length < 12) return null;
    if (brand === 'qt  ') return { kind: 'VIDEO', mime: 'video/quicktime', ext: 'mov' };
    return { kind: 'VIDEO', mime: 'video/mp4', ext: 'mp4' };
  }
  if (QUICKTIME_FIRST_BOXES.has(box)) return { kind: 'VIDEO', mime: 'video/quicktime', ext: 'mov' };
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    const isWebm = Buffer.from(head).indexOf('webm', 4, 'latin1') !== -1;
    return isWebm
      ? { kind: 'VIDEO', mime: 'video/webm', ext: 'webm' }
      : { kind: 'VIDEO', mime: 'video/x-matroska', ext: 'mkv' };
  }
  return null;
}

/**
 * HEIC/HEIF stills (phones): `ftyp` with an HEIF major brand. `mif1`/`msf1` are generic; a compatible
 * `avif` brand makes the file AVIF, else it is HEIF. The transcode worker decides on the codec (an HEVC
 * image goes through heif-convert: docs/adr/0023).
 */
function sniffHeif(head: Uint8Array): SniffedMediaType | null {
  if (ascii(head, 4, 8) !== 'ftyp' || head.length < 12) return null;
  const major = ascii(head, 8, 12);
  if (!HEIF_BRANDS.has(major)) return null;
  const boxEnd = Math.min(head.length, new DataView(head.buffer, head.byteOffset, head.length).getUint32(0));
  const compatible = new Set<string>();
  for (let at = 16; at + 4 <= boxEnd; at += 4) compatible.add(ascii(head, at, at + 4));
  if (major === 'mif1' || major === 'msf1') {
    if (compatible.has('avif') || compatible.has('avis'))
      return { kind: 'IMAGE', mime: 'image/avif', ext: 'avif' };
    if (!compatible.has('heic') && !compatible.has('heix') && !compatible.has('miaf')) {
      return { kind: 'IMAGE', mime: 'image/heif', ext: 'heif' };
    }
  }
  return major === 'heic' || major === 'heix' || compatible.has('heic') || compatible.has('heix')
    ? { kind: 'IMAGE', mime: 'image/heic', ext: 'heic' }
    : { kind: 'IMAGE', mime: 'image/heif', ext: 'heif' };
}

/**
 * Identifies an upload by its magic bytes; the declared type and file name are never trusted.
 * Returns null for anything that is not one of the images Fjord processes.
 */
export function sniffMediaType(head: Uint8Array): SniffedMediaType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'IMAGE', mime: 'image/jpeg', ext: 'jpg' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { kind: 'IMAGE', mime: 'image/png', ext: 'png' };
  }
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') {
    return { kind: 'IMAGE', mime: 'image/webp', ext: 'webp' };
  }
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') {
    return { kind: 'IMAGE', mime: 'image/gif', ext: 'gif' };
  }
  if (ascii(head, 4, 8) === 'ftyp' && AVIF_BRANDS.has(ascii(head, 8, 12))) {
    return { kind: 'IMAGE', mime: 'image/avif', ext: 'avif' };
  }
  // JPEG XL: a bare codestream or the ISO-BMFF container (signature box `JXL `); decoded by djxl (ADR 0023).
  if (startsWith(head, [0xff, 0x0a]) || startsWith(head, JXL_CONTAINER)) {
    return { kind: 'IMAGE', mime: 'image/jxl', ext: 'jxl' };
  }
  const heif = sniffHeif(head);
  if (heif) return heif;
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: 'IMAGE', mime: 'image/tiff', ext: 'tiff' };
  }
  return sniffVideo(head);
}

/** A person's description of what an unsupported upload looks like, for the rejection message. */
export function describeUnsupported(head: Uint8Array): string {
  if (head.length === 0) return 'an empty file';
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(head.subarray(0, 512))
    .trimStart()
    .toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'an SVG image';
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || /^<(head|body|script)/.test(text)) {
    return 'HTML';
  }
  if (text.startsWith('<?xml')) return 'XML';
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) return 'a PDF document';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive';
  if (ascii(head, 4, 8) === 'ftyp') return 'an unsupported ISO media file';
  if (text.startsWith('#extm3u')) return 'an HLS playlist';
  if (isMostlyPrintable(head)) return 'plain text';
  if (head.length < 12) return 'a truncated or unknown file';
  return 'an unknown binary format';
}

function isMostlyPrintable(head: Uint8Array): boolean {
  // Cut at 508 bytes so a multi-byte character split at the sample's end does not fail the decode.
  const sample = head.subarray(0, 508);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    return false;
  }
  let control = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++;
  }
  return text.length > 0 && control / text.length < 0.02;
}

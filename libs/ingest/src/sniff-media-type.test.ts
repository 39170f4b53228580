import { describe, expect, it } from 'vitest';
import { describeUnsupported, sniffMediaType } from './sniff-media-type';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
const pad = (head: Uint8Array, n = 32) => {
  const out = new Uint8Array(Math.max(n, head.length));
  out.set(head);
  return out;
};

describe('sniffMediaType', () => {
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe1]), 'image/jpeg', 'jpg'],
    ['PNG', bytes([0x89], 'PNG\r\n', [0x1a, 0x0a]), 'image/png', 'png'],
    ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'image/webp', 'webp'],
    ['GIF89a', bytes('GIF89a'), 'image/gif', 'gif'],
    ['GIF87a', bytes('GIF87a'), 'image/gif', 'gif'],
    ['AVIF', bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0], 'mif1'), 'image/avif', 'avif'],
    ['TIFF little-endian', bytes('II', [0x2a, 0]), 'image/tiff', 'tiff'],
    ['TIFF big-endian', bytes('MM', [0, 0x2a]), 'image/tiff', 'tiff'],
    ['JPEG XL codestream', bytes([0xff, 0x0a, 0xcb, 0x06]), 'image/jxl', 'jxl'],
    ['JPEG XL container', bytes([0, 0, 0, 0x0c], 'JXL ', [0x0d, 0x0a, 0x87, 0x0a]), 'image/jxl', 'jxl'],
  ])('recognises %s', (_name, head, mime, ext) => {
    expect(sniffMediaType(pad(head))).toEqual({ kind: 'IMAGE', mime, ext });
  });

  it('rejects a text file, whatever its name says', () => {
    const head = bytes('hello, this is not a photo\n');
    expect(sniffMediaType(head)).toBeNull();
    expect(describeUnsupported(head)).toBe('plain text');
  });

  it('rejects SVG and HTML (script-capable formats)', () => {
    const svg = bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    const html = bytes('<!DOCTYPE html><html><script>alert(1)</script>');
    expect(sniffMediaType(svg)).toBeNull();
    expect(sniffMediaType(html)).toBeNull();
    expect(describeUnsupported(svg)).toBe('an SVG image');
    expect(describeUnsupported(html)).toBe('HTML');
  });

  it('rejects an empty file', () => {
    expect(sniffMediaType(new Uint8Array())).toBeNull();
    expect(describeUnsupported(new Uint8Array())).toBe('an empty file');
  });

  it('rejects truncated headers instead of reading past the end', () => {
    expect(sniffMediaType(bytes([0xff, 0xd8]))).toBeNull();
    expect(sniffMediaType(bytes([0x89], 'PN'))).toBeNull();
    expect(sniffMediaType(bytes('RIFF', [0, 0]))).toBeNull();
    expect(sniffMediaType(bytes([0, 0, 0, 0x1c], 'ftypav'))).toBeNull();
    expect(describeUnsupported(bytes([0xff, 0xd8]))).toBe('a truncated or unknown file');
  });

  it.each([
    ['MP4', bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 2, 0]), 'video/mp4', 'mp4'],
    ['MOV', bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 2, 0]), 'video/quicktime', 'mov'],
    ['old MOV', bytes([0, 0, 0, 0x08], 'wide'), 'video/quicktime', 'mov'],
    [
      'WebM',
      bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 1, 0x42, 0x82, 0x84], 'webm'),
      'video/webm',
      'webm',
    ],
    ['MKV', bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x82, 0x88], 'matroska'), 'video/x-matroska', 'mkv'],
  ])('recognises %s as a video', (_name, head, mime, ext) => {
    expect(sniffMediaType(pad(head))).toEqual({ kind: 'VIDEO', mime, ext });
  });

  it.each([
    ['heic', bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'), 'image/heic', 'heic'],
    ['heix (10-bit)', bytes([0, 0, 0, 0x18], 'ftypheix', [0, 0, 0, 0], 'mif1heix'), 'image/heic', 'heic'],
    [
      'mif1 + heic (heif-enc)',
      bytes([0, 0, 0, 0x1c], 'ftypmif1', [0, 0, 0, 0], 'mif1heicmiaf'),
      'image/heic',
      'heic',
    ],
    ['mif1 + avif', bytes([0, 0, 0, 0x18], 'ftypmif1', [0, 0, 0, 0], 'mif1avif'), 'image/avif', 'avif'],
    ['mif1 alone', bytes([0, 0, 0, 0x14], 'ftypmif1', [0, 0, 0, 0], 'mif1'), 'image/heif', 'heif'],
    ['msf1 (sequence)', bytes([0, 0, 0, 0x18], 'ftypmsf1', [0, 0, 0, 0], 'msf1hevc'), 'image/heif', 'heif'],
  ])('recognises an HEIF still by its brands: %s', (_name, head, mime, ext) => {
    expect(sniffMediaType(pad(head))).toEqual({ kind: 'IMAGE', mime, ext });
  });

  it('does not take a HEIC still or an HLS playlist for a video', () => {
    expect(sniffMediaType(pad(bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1')))?.kind).toBe('IMAGE');
    const playlist = bytes('#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n');
    expect(sniffMediaType(playlist)).toBeNull();
    expect(describeUnsupported(playlist)).toBe('an HLS playlist');
  });
});

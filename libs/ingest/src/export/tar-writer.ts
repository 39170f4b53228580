import type { Readable } from 'node:stream';

/** One file of a tar archive; `body` yields exactly `size` bytes (a Buffer, or a stream read chunk by chunk). */
export type TarEntry = { name: string; size: number; mtime: Date; body: Buffer | Readable };

const BLOCK = 512;
const OCTAL_SIZE_MAX = 8 ** 11 - 1; // 11 octal digits: 8 GiB − 1; above, GNU base-256

function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}

function writeSize(header: Buffer, size: number): void {
  if (size <= OCTAL_SIZE_MAX) return writeOctal(header, size, 124, 12);
  header[124] = 0x80;
  let rest = BigInt(size);
  for (let i = 135; i > 124; i--) {
    header[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

/** ustar keeps a path in two fields: `prefix` (155 bytes) + '/' + `name` (100 bytes). */
function splitPath(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`Path too long for a tar entry: ${path.slice(0, 80)}…`);
}

export function tarHeader(entry: Pick<TarEntry, 'name' | 'size' | 'mtime'>): Buffer {
  const header = Buffer.alloc(BLOCK);
  const { name, prefix } = splitPath(entry.name);
  header.write(name, 0, 100, 'utf8');
  writeOctal(header, 0o644, 100, 8);
  writeOctal(header, 0, 108, 8);
  writeOctal(header, 0, 116, 8);
  writeSize(header, entry.size);
  writeOctal(header, Math.floor(entry.mtime.getTime() / 1000), 136, 12);
  header.write('        ', 148, 8, 'ascii'); // the checksum counts its own field as spaces
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\u000000', 257, 8, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

/**
 * A tar stream, one entry after another: each body is read only as the consumer reads (Readable.from
 * over this generator keeps backpressure), so memory stays flat whatever the archive's size. A body
 * that yields more or fewer bytes than it declared throws: a tar with a wrong size is silently corrupt.
 */
export async function* writeTar(entries: AsyncIterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const entry of entries) {
    yield tarHeader(entry);
    let written = 0;
    const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(entry.body) ? [entry.body] : entry.body;
    for await (const chunk of chunks) {
      written += chunk.length;
      if (written > entry.size)
        throw new Error(`${entry.name} is longer than its declared ${entry.size} bytes`);
      yield chunk;
    }
    if (written !== entry.size)
      throw new Error(`${entry.name} ended after ${written} of ${entry.size} bytes`);
    const pad = (BLOCK - (entry.size % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}

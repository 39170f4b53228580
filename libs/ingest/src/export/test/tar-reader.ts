/** Reads a whole (small) tar archive in memory: the export's tests check what the writer produced. */
export function readTar(archive: Buffer): Array<{ name: string; size: number; body: Buffer }> {
  const files: Array<{ name: string; size: number; body: Buffer }> = [];
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, length: number) =>
      header
        .subarray(from, from + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (sum !== parseInt(field(148, 8).trim(), 8)) throw new Error(`bad checksum at ${offset}`);
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12), 8);
    files.push({ name, size, body: archive.subarray(offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

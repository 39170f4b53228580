import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTar } from './test/tar-reader';
import { tarHeader, writeTar, type TarEntry } from './tar-writer';

async function collect(entries: TarEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of writeTar(Readable.from(entries))) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const mtime = new Date('2026-12-01T00:00:00Z');

describe('tar writer', () => {
  it('writes entries GNU tar reads back byte for byte, long paths included', async () => {
    const long = `media/${'a'.repeat(36)}/r/${'b'.repeat(32)}/w1280-webp.${'c'.repeat(20)}.webp`;
    const archive = await collect([
      { name: 'account.json', size: 2, mtime, body: Buffer.from('{}') },
      { name: long, size: 1000, mtime, body: Readable.from([Buffer.alloc(600, 1), Buffer.alloc(400, 2)]) },
    ]);
    expect(archive.length % 512).toBe(0);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tar-'));
    writeFileSync(path.join(dir, 'a.tar'), archive);
    expect(execFileSync('tar', ['-tf', 'a.tar'], { cwd: dir, encoding: 'utf8' }).trim().split('\n')).toEqual([
      'account.json',
      long,
    ]);
    execFileSync('tar', ['-xf', 'a.tar'], { cwd: dir });
    expect(readFileSync(path.join(dir, long))).toEqual(
      Buffer.concat([Buffer.alloc(600, 1), Buffer.alloc(400, 2)]),
    );
    expect(readTar(archive).map((f) => [f.name, f.size])).toEqual([
      ['account.json', 2],
      [long, 1000],
    ]);
  });

  it('refuses a body that does not match its declared size', async () => {
    await expect(collect([{ name: 'x', size: 3, mtime, body: Buffer.from('ab') }])).rejects.toThrow(
      /ended after 2/,
    );
    await expect(collect([{ name: 'x', size: 1, mtime, body: Buffer.from('ab') }])).rejects.toThrow(/longer/);
  });

  it('encodes sizes past 8 GiB in base-256', () => {
    const header = tarHeader({ name: 'big', size: 10 * 1024 ** 3, mtime });
    expect(header[124]).toBe(0x80);
    expect(header.readBigUInt64BE(128)).toBe(BigInt(10 * 1024 ** 3));
  });
});

/**
 * What keeping an external decode saves (ADR 0023): an /img-style render (12 MP → 800 px WebP through
 * transformImage) of an HEIC and of a JPEG XL, decoding the original every time (heif-convert / djxl in a
 * limited child) against reading the kept PNG, in one run. Prints wall ms and CPU ms per render (this
 * process and its decoder children) and the size of the kept PNG:
 *
 *   npx tsx bench/kept-decode.ts [--renders 3]
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  prepareImageSource,
  resolveImageOptions,
  specFor,
  transformImage,
  type DecodedSource,
} from '@fjord/media';
import { createPhotoLikeJpeg } from '@fjord/media/testing';

const renders = Number(process.argv[process.argv.indexOf('--renders') + 1]) || 3;

/** CPU ms of this process and its waited-for children (the decoders), from /proc. */
function cpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0) * (1000 / 100);
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'fjord-kept-decode-'));
try {
  const jpeg = path.join(dir, 'photo.jpg');
  await writeFile(jpeg, await createPhotoLikeJpeg({ width: 4000, height: 3000 }));
  const run = promisify(execFile);
  await run('heif-enc', ['-q', '60', '-o', path.join(dir, 'photo.heic'), jpeg]);
  await run('cjxl', [jpeg, path.join(dir, 'photo.jxl'), '-j', '0', '-d', '1', '--quiet']);
  const spec = specFor(
    resolveImageOptions('w:800,f:webp,q:80,exp:4000000000', {
      maxSize: 4096,
      maxPixels: 40_000_000,
      presets: {},
    }),
    'webp',
  );
  for (const format of ['heic', 'jxl']) {
    const input = await readFile(path.join(dir, `photo.${format}`));
    // Kept on disk and read back for every render, as the cache's entry is (its row lookup aside).
    const keptFile = path.join(dir, `kept-${format}.png`);
    await writeFile(keptFile, await prepareImageSource(input));
    const keep: DecodedSource = { decodeOnce: () => readFile(keptFile) };
    console.log(
      `${format}: original ${input.length} bytes, kept PNG ${(await readFile(keptFile)).length} bytes`,
    );
    for (const mode of ['decode every render', 'kept PNG', 'decode every render', 'kept PNG']) {
      const [start, cpu] = [performance.now(), cpuMs()];
      for (let i = 0; i < renders; i++) {
        await transformImage({
          input,
          spec,
          maxOutputPixels: 40e6,
          ...(mode === 'kept PNG' ? { decoded: keep } : {}),
        });
      }
      const wall = (performance.now() - start) / renders;
      console.log(
        `  ${mode.padEnd(20)} ${wall.toFixed(0)} ms wall, ${((cpuMs() - cpu) / renders).toFixed(0)} CPU-ms per render`,
      );
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

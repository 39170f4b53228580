import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { ImageVariant } from '@fjord/queue';
import { inParallel } from './media-stack';
import type { Photo } from './photo-set';

const run = promisify(execFile);

/** Debian's ImageMagick 6 (scripts/services.mjs ensureImageMagick), not a stand-in earlier on PATH. */
export const IMAGEMAGICK_CONVERT = '/usr/bin/convert';

async function withOutDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fjord-bench-out-'));
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * What a user would write by hand with sharp: the same files from disk, the same variants with Fjord's
 * encoder settings (orientation applied, never upscaled, metadata dropped, AVIF effort as configured),
 * each file's variants at once, `inFlight` files at a time, outputs to disk. Returns seconds.
 */
export async function runBareSharp(opts: {
  photos: Photo[];
  variants: readonly ImageVariant[];
  avifEffort: number;
  inFlight: number;
}): Promise<number> {
  return withOutDir(async (dir) => {
    const start = performance.now();
    await inParallel(opts.photos, opts.inFlight, (photo, i) =>
      Promise.all(
        opts.variants.map((v) => {
          const image = sharp(photo.path, { failOn: 'error' })
            .rotate()
            .resize({ width: v.maxWidth, withoutEnlargement: true });
          const encoded =
            v.format === 'avif'
              ? image.avif({ quality: v.quality, effort: opts.avifEffort })
              : v.format === 'webp'
                ? image.webp({ quality: v.quality })
                : image.jpeg({ quality: v.quality, mozjpeg: true });
          return encoded.toFile(path.join(dir, `${i}-${v.name}.${v.format}`));
        }),
      ),
    );
    return (performance.now() - start) / 1000;
  });
}

/**
 * The best one-command ImageMagick a user would write for the same outputs: one decode with the JPEG
 * size hint (IM's shrink-on-load), orientation applied, metadata stripped, each variant written from a
 * clone with Fjord's quality. IM 6 has no AVIF speed option, so libheif's default speed applies.
 * Widest variants first; narrower ones are resized from the previous size. Returns seconds.
 */
export async function runImageMagick(opts: {
  photos: Photo[];
  variants: readonly ImageVariant[];
  inFlight: number;
}): Promise<number> {
  const byWidth = [...opts.variants].sort((a, b) => b.maxWidth - a.maxWidth);
  const widest = byWidth[0]!.maxWidth;
  return withOutDir(async (dir) => {
    const start = performance.now();
    await inParallel(opts.photos, opts.inFlight, async (photo, i) => {
      const args = ['-define', `jpeg:size=${widest * 2}x${widest * 2}`, photo.path, '-auto-orient', '-strip'];
      let width = Number.POSITIVE_INFINITY;
      for (const v of byWidth) {
        if (v.maxWidth < width) args.push('-resize', `${v.maxWidth}>`);
        width = v.maxWidth;
        const out = path.join(dir, `${i}-${v.name}.${v.format}`);
        args.push('(', '+clone', '-quality', String(v.quality), '-write', out, '+delete', ')');
      }
      args.push('null:');
      await run(IMAGEMAGICK_CONVERT, args, { maxBuffer: 1024 * 1024 });
    });
    return (performance.now() - start) / 1000;
  });
}

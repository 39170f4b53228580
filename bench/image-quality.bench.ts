import sharp from 'sharp';
import { renderImageVariant, type ImageOutputFormat } from '@fjord/media';
import { createPhotoLikeJpeg } from '@fjord/media/testing';

/** Widths of the eager variants (IMAGE_VARIANTS: thumb 320, w1280) and the qualities tried at each. */
const WIDTHS = [320, 1280];
const QUALITIES: Record<Exclude<ImageOutputFormat, 'png'>, number[]> = {
  webp: [60, 70, 75, 80, 90],
  avif: [40, 50, 55, 65],
  jpeg: [70, 80, 90],
};

/** Luma plane of `input` at exactly width×height. */
async function luma(input: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(input).resize(width, height, { fit: 'fill' }).greyscale().raw().toBuffer();
}

/**
 * Mean SSIM over 8×8 windows (step 4) of two luma planes, the constants of Wang et al. 2004 (K1 0.01,
 * K2 0.03, L 255). Luma only, like ffmpeg's `ssim` "Y" figure.
 */
export function ssim(a: Buffer, b: Buffer, width: number, height: number): number {
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let total = 0;
  let windows = 0;
  for (let y = 0; y + 8 <= height; y += 4) {
    for (let x = 0; x + 8 <= width; x += 4) {
      let sa = 0,
        sb = 0,
        saa = 0,
        sbb = 0,
        sab = 0;
      for (let j = 0; j < 8; j++) {
        for (let i = 0; i < 8; i++) {
          const p = a[(y + j) * width + x + i]!;
          const q = b[(y + j) * width + x + i]!;
          sa += p;
          sb += q;
          saa += p * p;
          sbb += q * q;
          sab += p * q;
        }
      }
      const n = 64;
      const ma = sa / n,
        mb = sb / n;
      const va = saa / n - ma * ma,
        vb = sbb / n - mb * mb,
        cov = sab / n - ma * mb;
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      windows++;
    }
  }
  return total / windows;
}

/**
 * `npm run bench -- --only image-quality`: for each output format, eager-variant width and quality, the
 * bytes and the SSIM of the rendered variant against the source resized to the same size with sharp
 * (lanczos3, no compression), on the bench's 12 MP photo-like JPEG.
 */
export async function runImageQualityBench(): Promise<void> {
  const source = await createPhotoLikeJpeg({ width: 4000, height: 3000 });
  console.log('| width | format | quality | bytes | SSIM (Y) |\n|---|---|---|---|---|');
  for (const width of WIDTHS) {
    const reference = await sharp(source).resize({ width }).png({ compressionLevel: 0 }).toBuffer();
    const { height } = await sharp(reference).metadata();
    const ref = await luma(reference, width, height!);
    for (const [format, qualities] of Object.entries(QUALITIES) as [ImageOutputFormat, number[]][]) {
      for (const quality of qualities) {
        const out = await renderImageVariant({
          input: source,
          variant: { name: 'q', format, maxWidth: width, quality },
          avifEffort: 2,
        });
        const score = ssim(ref, await luma(out.data, width, height!), width, height!);
        console.log(`| ${width} | ${format} | ${quality} | ${out.data.length} | ${score.toFixed(4)} |`);
      }
    }
  }
}

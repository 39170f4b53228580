import os from 'node:os';
import sharp from 'sharp';
import { configureSharp, renderImageVariant, renderImageVariants, type ImageVariantSpec } from '@fjord/media';
import { createPhotoLikeJpeg } from '@fjord/media/testing';
import { measure, printTable, type Sample } from './bench-stats';

/** The foundation variants (IMAGE_VARIANTS in @fjord/queue), copied so the bench needs no Redis code. */
const VARIANTS: ImageVariantSpec[] = [
  { name: 'thumb-webp', format: 'webp', maxWidth: 320, quality: 75 },
  { name: 'w1280-webp', format: 'webp', maxWidth: 1280, quality: 80 },
  { name: 'w1280-avif', format: 'avif', maxWidth: 1280, quality: 55 },
];

/** What the pipeline does today: one job per variant, each decoding the original again. */
async function renderSeparately(input: Buffer, avifEffort: number): Promise<void> {
  for (const variant of VARIANTS) await renderImageVariant({ input, variant, avifEffort });
}

export async function runImageVariantsBench({ iterations }: { iterations: number }): Promise<void> {
  const cores = os.availableParallelism();
  const input = await createPhotoLikeJpeg({ width: 4000, height: 3000 });
  console.log(
    `input: 4000×3000 photo-like JPEG, ${(input.length / 1024).toFixed(0)} KB; ${iterations} iterations + 1 warm-up`,
  );
  console.log(`sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`);
  const renderShared = () => renderImageVariants({ input, variants: VARIANTS, avifEffort: 2 });

  // 1. Each foundation variant alone, at the shipped settings (AVIF effort 2, sharp concurrency 1).
  configureSharp({ concurrency: 1 });
  const perVariant: Sample[] = [];
  for (const variant of VARIANTS) {
    perVariant.push(
      await measure(variant.name, iterations, () => renderImageVariant({ input, variant, avifEffort: 2 })),
    );
  }
  const avif = VARIANTS[2] as ImageVariantSpec;
  const avifE4 = 'w1280-avif effort 4';
  perVariant.push(
    await measure(avifE4, iterations, () => renderImageVariant({ input, variant: avif, avifEffort: 4 })),
  );
  printTable('Per variant (sharp concurrency 1)', perVariant, avifE4);

  // 2. All three variants of one image: the naive default against the settings and the shared decode.
  const baseline = 'naive: 3 decodes, avif e4, conc 1';
  const perImage: Sample[] = [];
  configureSharp({ concurrency: 1 });
  perImage.push(await measure(baseline, iterations, () => renderSeparately(input, 4)));
  perImage.push(await measure('3 decodes, avif e2, conc 1', iterations, () => renderSeparately(input, 2)));
  perImage.push(await measure('shared decode, avif e2, conc 1', iterations, renderShared));
  configureSharp({ concurrency: cores });
  perImage.push(
    await measure(`3 decodes, avif e2, conc ${cores}`, iterations, () => renderSeparately(input, 2)),
  );
  perImage.push(await measure(`shared decode, avif e2, conc ${cores}`, iterations, renderShared));
  printTable('All three variants of one image', perImage, baseline);

  // 3. Throughput: jobs in parallel with one libvips thread each (TRANSCODE_CONCURRENCY=cores) against
  //    one job at a time with every core given to libvips.
  const batch = cores * 2;
  const serialName = `${batch} images, 1 at a time, conc ${cores}`;
  const throughput: Sample[] = [];
  configureSharp({ concurrency: cores });
  throughput.push(
    await measure(serialName, iterations, async () => {
      for (let i = 0; i < batch; i += 1) await renderSeparately(input, 2);
    }),
  );
  configureSharp({ concurrency: 1 });
  throughput.push(
    await measure(`${batch} images, ${cores} in parallel, conc 1`, iterations, async () => {
      const lanes = Array.from({ length: cores }, async () => {
        for (let i = 0; i < batch / cores; i += 1) await renderSeparately(input, 2);
      });
      await Promise.all(lanes);
    }),
  );
  printTable('Throughput, avif e2, 3 decodes per image', throughput, serialName);
}

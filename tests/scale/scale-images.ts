import sharp from 'sharp';

export type GeneratedImage = { filename: string; body: Buffer };

/** mulberry32: a tiny seeded PRNG, so every run uploads the same varied set. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FORMATS = ['jpeg', 'png', 'webp'] as const;

/**
 * `count` small, different images (40–360 px a side, JPEG/PNG/WebP, each its own pattern and colours):
 * tiny so a burst of hundreds takes minutes, varied so no two renditions are the same bytes.
 */
export async function generateImages(count: number, seed = 42): Promise<GeneratedImage[]> {
  const random = prng(seed);
  const images: GeneratedImage[] = [];
  for (let i = 0; i < count; i++) {
    const width = 40 + Math.floor(random() * 320);
    const height = 40 + Math.floor(random() * 320);
    const [a, b, c] = [random() * 6, random() * 6, random() * 255];
    const raw = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 3;
        raw[o] = (x * a + c) & 255;
        raw[o + 1] = (y * b + i) & 255;
        raw[o + 2] = ((x ^ y) * (a + b) + c) & 255;
      }
    }
    const format = FORMATS[i % FORMATS.length]!;
    const body = await sharp(raw, { raw: { width, height, channels: 3 } })
      .toFormat(format, { quality: 80 })
      .toBuffer();
    images.push({ filename: `scale-${i}.${format === 'jpeg' ? 'jpg' : format}`, body });
  }
  return images;
}

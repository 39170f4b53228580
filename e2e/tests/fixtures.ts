import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import sharp from 'sharp';

/** A unique account per test, created through the real sign-up form. */
export async function signUp(page: Page, testInfo: TestInfo): Promise<string> {
  const email = `e2e-${Date.now()}-${testInfo.workerIndex}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: /sign out/i })).toBeVisible();
  return email;
}

/** Real images, made here so the specs need no binary fixtures in the repo. */
export async function makeJpeg(width = 1600, height = 1000): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 90, b: 160 } } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${height / 3}" fill="#f4c542"/></svg>`,
        ),
      },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
}

export async function makePng(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 200, g: 40, b: 80, alpha: 0.6 } } })
    .png()
    .toBuffer();
}

/** Runs Debian's ffmpeg with `args` and an output file of type `ext` last; answers that file's bytes. */
async function ffmpegFile(ext: string, args: string[]): Promise<Buffer> {
  const { execFile } = await import('node:child_process');
  const { mkdtemp, readFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(tmpdir(), 'fjord-e2e-ffmpeg-'));
  const file = path.join(dir, `out.${ext}`);
  try {
    await new Promise<void>((resolve, reject) =>
      execFile('ffmpeg', ['-v', 'error', '-y', ...args, file], (err) => (err ? reject(err) : resolve())),
    );
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A short real video (testsrc + sine, H.264/AAC MP4) made by Debian's ffmpeg. */
export function makeMp4(seconds = 3, width = 640, height = 360): Promise<Buffer> {
  return ffmpegFile('mp4', [
    ...['-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=25:duration=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
  ]);
}

/** A looping animated GIF of moving test pictures, `frames` at 25 fps, made by Debian's ffmpeg. */
export function makeAnimatedGif(frames = 48, width = 320, height = 180): Promise<Buffer> {
  return ffmpegFile('gif', [
    ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=25:duration=${(frames / 25).toFixed(2)}`],
    ...['-vf', 'split[a][b];[a]palettegen[p];[b][p]paletteuse', '-loop', '0', '-f', 'gif'],
  ]);
}

/** Presses play on a `<video>` (muted, as autoplay policy wants) and waits until the playhead passes `seconds`. */
export async function playMutedUntil(video: Locator, seconds: number): Promise<void> {
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
    .toBeGreaterThan(seconds);
}

import { expect, test } from '@playwright/test';
import { makeAnimatedGif, makeJpeg, makePng, signUp } from './fixtures';

test('a new user uploads two images and watches them become ready', async ({ page }, testInfo) => {
  await signUp(page, testInfo);
  await page.goto('/upload');

  await page.locator('input[type="file"]').setInputFiles([
    { name: 'fjord.jpg', mimeType: 'image/jpeg', buffer: await makeJpeg() },
    { name: 'harbour.png', mimeType: 'image/png', buffer: await makePng() },
  ]);

  const uploads = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem');
  await expect(uploads).toHaveCount(2);
  // Live status over SSE: both reach Ready without a reload.
  for (const name of ['fjord.jpg', 'harbour.png']) {
    await expect(uploads.filter({ hasText: name })).toContainText(/ready/i, { timeout: 60_000 });
  }

  await page.goto('/media');
  const thumbnails = page.locator('main img');
  await expect(thumbnails).toHaveCount(2);
  // The thumbnails really load from /files (naturalWidth stays 0 for a broken image), never upscaled.
  await expect
    .poll(async () => {
      const widths = await thumbnails.evaluateAll((imgs) =>
        imgs.map((img) => (img as HTMLImageElement).naturalWidth),
      );
      return widths.every((w) => w > 0 && w <= 320);
    })
    .toBe(true);

  const screenshot = testInfo.outputPath('gallery.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('gallery', { path: screenshot, contentType: 'image/png' });

  // The media page shows the picture and its three renditions.
  await thumbnails.first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('picture source[type="image/avif"]')).toHaveCount(1);
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(4);
});

test('a text file named .jpg is refused with a message a person understands', async ({ page }, testInfo) => {
  await signUp(page, testInfo);
  await page.goto('/upload');
  await page.locator('input[type="file"]').setInputFiles([
    {
      name: 'notes.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from('just some text, not a picture\n'.repeat(20)),
    },
    { name: 'good.png', mimeType: 'image/png', buffer: await makePng(320, 200) },
  ]);
  const uploads = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem');
  await expect(uploads.filter({ hasText: 'notes.jpg' }).getByRole('alert')).toContainText(
    /not a supported image/i,
  );
  await expect(uploads.filter({ hasText: 'good.png' })).toContainText(/ready/i, { timeout: 60_000 });
});

/**
 * A long animated GIF (≥ ANIMATED_MP4_MIN_FRAMES) also gets an H.264 `anim-mp4` (ADR 0023), and its media
 * page plays that instead of the GIF's animated WebP: muted, looping, on its own, in Chromium.
 */
test('a long animated GIF plays on its page as a muted, looping video', async ({ page }, testInfo) => {
  await signUp(page, testInfo);
  await page.goto('/upload');
  await page
    .locator('input[type="file"]')
    .setInputFiles([{ name: 'loop.gif', mimeType: 'image/gif', buffer: await makeAnimatedGif(48) }]);
  const upload = page
    .getByRole('list', { name: 'Uploads' })
    .getByRole('listitem')
    .filter({ hasText: 'loop.gif' });
  await expect(upload).toContainText(/ready/i, { timeout: 60_000 });

  await page.goto('/media');
  await page.locator('main img').first().click();
  await expect(page.getByRole('table').getByRole('row').filter({ hasText: 'anim-mp4' })).toHaveCount(1);
  const video = page.locator('video.media-picture');
  await expect(video).toHaveAttribute('src', /^\/files\/[^/]+\/anim-mp4(\?|$)/);
  // Playing by itself: decoded (it has a picture), muted as autoplay needs, looping, the playhead moving.
  await expect
    .poll(() =>
      video.evaluate((v: HTMLVideoElement) => ({
        playing: !v.paused && v.currentTime > 0.2,
        muted: v.muted,
        loop: v.loop,
        size: [v.videoWidth, v.videoHeight],
      })),
    )
    .toEqual({ playing: true, muted: true, loop: true, size: [320, 180] });
});

import { expect, test } from '@playwright/test';
import { makeMp4, signUp } from './fixtures';

test('a user uploads a video, watches it process to Ready, and plays it', async ({ page }, testInfo) => {
  await signUp(page, testInfo);
  await page.goto('/upload');
  await page
    .locator('input[type="file"]')
    .setInputFiles([{ name: 'harbour.mp4', mimeType: 'video/mp4', buffer: await makeMp4() }]);
  const upload = page
    .getByRole('list', { name: 'Uploads' })
    .getByRole('listitem')
    .filter({ hasText: 'harbour.mp4' });
  // Live status over SSE, through processing, to Ready without a reload.
  await expect(upload).toContainText(/ready/i, { timeout: 120_000 });
  await upload.getByRole('link', { name: 'Open' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('harbour.mp4');
  const video = page.locator('video');
  await expect(video).toHaveAttribute('poster', /\/files\/.+\/poster-jpg$/);
  // Adaptive playback: hls.js (served by Fjord) feeds the element from /stream/s/<id>/master.m3u8 (MSE).
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentSrc), { timeout: 20_000 })
    .toMatch(/^blob:/);
  // Renditions listed with size and bitrate: v360, poster, preview, the storyboard pair (640×360 source:
  // no 720p/1080p; the CMAF ladder is a stream, not a download).
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(6);
  await expect(page.getByRole('table')).toContainText(/kbit\/s|Mbit\/s/);

  // Press play (muted, as autoplay policy wants) and the playhead moves.
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
    .toBeGreaterThan(0.5);
  // Seeking works (Range requests on /files).
  await video.evaluate((v: HTMLVideoElement) => {
    v.currentTime = 2;
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThanOrEqual(2);
  const screenshot = testInfo.outputPath('video.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('video', { path: screenshot, contentType: 'image/png' });
});

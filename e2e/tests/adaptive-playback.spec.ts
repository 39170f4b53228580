import { expect, test, type Page } from '@playwright/test';
import { makeMp4, playMutedUntil, signUp } from './fixtures';

const CUE_TEXT = 'Hello from the harbour';

/** Segment requests of the ladder as hls.js makes them: `/stream/s/<id>/v<rung>/seg-NNNNN.m4s`. */
function watchSegments(page: Page) {
  const seen: string[] = [];
  page.on('request', (req) => {
    const rung = /\/stream\/[^/]+\/[^/]+\/(v\d+)\/seg-\d+\.m4s/.exec(req.url())?.[1];
    if (rung) seen.push(rung);
  });
  return seen;
}

test('a READY video streams adaptively: plays, switches rung, shows captions and storyboard tiles', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, testInfo);
  await page.goto('/upload');
  // 640×360, 10 s: two rungs (240p, 360p; never upscaled), three 4 s segments each, five storyboard tiles.
  await page
    .locator('input[type="file"]')
    .setInputFiles([{ name: 'ladder.mp4', mimeType: 'video/mp4', buffer: await makeMp4(10) }]);
  const upload = page
    .getByRole('list', { name: 'Uploads' })
    .getByRole('listitem')
    .filter({ hasText: 'ladder.mp4' });
  await expect(upload).toContainText(/ready/i, { timeout: 120_000 });
  await upload.getByRole('link', { name: 'Open' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ladder.mp4');
  const mediaId = /\/media\/([^/?#]+)/.exec(page.url())![1]!;

  // Captions through the page's own form; the next master playlist lists them (EXT-X-MEDIA SUBTITLES).
  const captions = page.getByRole('region', { name: 'Captions' });
  await captions.getByLabel('Language (e.g. en, pt-BR)').fill('en');
  await captions.getByLabel('Label').fill('English');
  await captions.getByLabel('WebVTT or SRT file').setInputFiles({
    name: 'en.vtt',
    mimeType: 'text/vtt',
    // One cue over the whole clip (and beyond): active whatever offset the player maps cue times by.
    buffer: Buffer.from(`WEBVTT\n\n00:00:00.000 --> 00:30:00.000\n${CUE_TEXT}\n`),
  });
  await captions.getByRole('button', { name: 'Add captions' }).click();
  await expect(captions.getByRole('link', { name: 'English' })).toBeVisible();
  const segments = watchSegments(page);
  await page.reload();

  // (a) Playback through hls.js (MSE) advances.
  const video = page.locator('video');
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentSrc), { timeout: 20_000 })
    .toMatch(/^blob:/);
  await playMutedUntil(video, 0.5);
  await video.evaluate((v: HTMLVideoElement) => {
    v.pause();
    v.currentTime = 1;
  });

  // (b) Forcing each rung from the quality menu makes the player fetch and switch to that rung's segments.
  const quality = page.getByRole('combobox', { name: 'Quality' });
  await expect(quality.locator('option')).toHaveText([
    /^Auto$/,
    /^240p \(\d+ kb\/s\)$/,
    /^360p \(\d+ kb\/s\)$/,
  ]);
  for (const rung of ['240', '360']) {
    const value = await quality.locator('option', { hasText: `${rung}p` }).getAttribute('value');
    segments.length = 0;
    await quality.selectOption(value!);
    await expect.poll(() => segments.includes(`v${rung}`), { timeout: 20_000 }).toBe(true);
    await expect(video).toHaveAttribute('data-level', value!, { timeout: 20_000 });
  }

  // (c) The captions menu lists the uploaded track; picking it shows the cue at the playhead.
  const captionMenu = page.getByRole('combobox', { name: 'Captions' });
  await expect(captionMenu.locator('option', { hasText: 'English' })).toHaveCount(1, { timeout: 20_000 });
  await captionMenu.selectOption({ label: 'English' });
  await expect
    .poll(
      () =>
        video.evaluate((v: HTMLVideoElement) =>
          Array.from(v.textTracks)
            .filter((t) => t.mode === 'showing')
            .flatMap((t) => Array.from(t.activeCues ?? []).map((c) => (c as VTTCue).text)),
        ),
      { timeout: 20_000 },
    )
    .toEqual([CUE_TEXT]);

  // (d) Hovering the seek bar at 75 % shows the storyboard tile of that moment: the sprite at the cue's #xywh.
  const vtt = await (await page.request.get(`/files/${mediaId}/storyboard-vtt`)).text();
  const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
  const at = duration * 0.75;
  const cue = vtt
    .split(/\n{2,}/)
    .map((block) =>
      /(?:(\d+):)?(\d\d):(\d\d)\.(\d{3}) --> (?:(\d+):)?(\d\d):(\d\d)\.(\d{3})\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)/.exec(
        block,
      ),
    )
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      start: Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000,
      end: Number(m[5] ?? 0) * 3600 + Number(m[6]) * 60 + Number(m[7]) + Number(m[8]) / 1000,
      image: m[9]!,
      x: Number(m[10]),
      y: Number(m[11]),
      w: Number(m[12]),
    }))
    .find((c) => c.start <= at && at < c.end);
  expect(cue, `a storyboard cue at ${at.toFixed(2)} s in:\n${vtt}`).toBeDefined();
  expect(cue!.x).toBeGreaterThan(0);
  const scrub = page.getByRole('slider', { name: 'Seek' });
  const box = (await scrub.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
  const thumb = page.getByTestId('storyboard-thumb');
  await expect(thumb).toBeVisible();
  const style = await thumb.evaluate((el) => {
    const s = getComputedStyle(el);
    return { image: s.backgroundImage, position: s.backgroundPosition, width: s.width };
  });
  expect(style.image).toMatch(new RegExp(`^url\\(".*/files/${mediaId}/${cue!.image}"\\)$`));
  expect(style.position).toBe(`-${cue!.x}px ${cue!.y === 0 ? '0px' : `-${cue!.y}px`}`);
  expect(style.width).toBe(`${cue!.w}px`);
  // The sprite itself is served to the page.
  expect((await page.request.get(`/files/${mediaId}/${cue!.image}`)).headers()['content-type']).toBe(
    'image/jpeg',
  );

  const screenshot = testInfo.outputPath('adaptive.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('adaptive playback', { path: screenshot, contentType: 'image/png' });
});

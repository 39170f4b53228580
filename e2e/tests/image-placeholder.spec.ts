import { expect, test, type Locator, type Page, type Route } from '@playwright/test';
import sharp from 'sharp';
import { makeJpeg, signUp } from './fixtures';

type Placeholder = { thumbhash: string; color: string };

/** Holds every rendition request (/files) until `release`, so the page stays mid-load for the assertions. */
async function holdRenditions(page: Page) {
  const held: Route[] = [];
  let isHolding = true;
  const hold = (route: Route) => (isHolding ? void held.push(route) : route.continue());
  await page.route('**/files/**', hold);
  return {
    heldUrls: () => held.map((route) => route.request().url()),
    // Continue before unrouting: unroute lets held requests go itself, and a later continue() throws.
    release: async () => {
      isHolding = false;
      await Promise.all(held.splice(0).map((route) => route.continue()));
      await page.unroute('**/files/**', hold);
    },
  };
}

const rgb = (hex: string) =>
  `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

const meanRgb = async (image: Buffer) =>
  (await sharp(image).removeAlpha().stats()).channels.map((c) => c.mean);

/**
 * The image's own request is still held, and Chromium paints the placeholder in the image's box: the
 * dominant colour as background, the ThumbHash (decoded in the page) stretched over it.
 */
async function expectPlaceholderShown(
  img: Locator,
  placeholder: Placeholder,
  heldUrls: () => string[],
  uploadMean: number[],
) {
  // currentSrc stays empty until Chromium has the image, so match the candidates (a <picture>'s sources too).
  const candidates = await img.evaluate((el: HTMLImageElement) =>
    [el.src, ...[...(el.parentElement?.querySelectorAll('source') ?? [])].map((s) => s.srcset)].map(
      (url) => new URL(url, location.href).href,
    ),
  );
  await expect.poll(() => heldUrls().some((url) => candidates.includes(url))).toBe(true);
  await expect(img).toHaveJSProperty('complete', false);
  await expect(img).toHaveJSProperty('naturalWidth', 0);
  await expect(img).toHaveAttribute('data-placeholder', 'thumbhash');
  await expect(img).toBeVisible();
  await expect(img).toHaveCSS('background-color', rgb(placeholder.color));

  const background = await img.evaluate((el) => getComputedStyle(el).backgroundImage);
  const dataUrl = /^url\("(data:image\/png;base64,[^"]+)"\)$/.exec(background)?.[1];
  expect(dataUrl, `background-image: ${background}`).toBeTruthy();
  const decoded = await img.evaluate(async (_, src) => {
    const hash = new Image();
    hash.src = src;
    await hash.decode();
    return { width: hash.naturalWidth, height: hash.naturalHeight };
  }, dataUrl!);
  expect(Math.min(decoded.width, decoded.height)).toBeGreaterThan(0);

  // What is on screen is that ThumbHash, and a picture of this upload: the average colour survives both
  // the stretch and the hash.
  const painted = await meanRgb(await img.screenshot());
  const hash = await meanRgb(Buffer.from(dataUrl!.split(',')[1]!, 'base64'));
  painted.forEach((mean, i) => {
    expect(Math.abs(mean - hash[i]!)).toBeLessThan(8);
    expect(Math.abs(mean - uploadMean[i]!)).toBeLessThan(24);
  });
}

/** Once the rendition arrives it is the image that shows, and the placeholder is gone (transparency stays). */
async function expectImageShown(img: Locator) {
  await expect
    .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
    .toBeGreaterThan(0);
  await expect(img).not.toHaveAttribute('data-placeholder');
  await expect(img).toHaveCSS('background-image', 'none');
  await expect(img).toHaveCSS('background-color', 'rgba(0, 0, 0, 0)');
}

// A failed assertion leaves requests held; without this the context's close waits for them until the timeout.
test.afterEach(({ page }) => page.unrouteAll({ behavior: 'ignoreErrors' }));

test('the placeholder shows in the gallery and on the media page until the image has loaded', async ({
  page,
}, testInfo) => {
  await signUp(page, testInfo);
  const jpeg = await makeJpeg();
  const uploadMean = await meanRgb(jpeg);
  await page.goto('/upload');
  await page
    .locator('input[type="file"]')
    .setInputFiles([{ name: 'fjord.jpg', mimeType: 'image/jpeg', buffer: jpeg }]);
  await expect(page.getByRole('list', { name: 'Uploads' }).getByRole('listitem')).toContainText(/ready/i, {
    timeout: 60_000,
  });

  const gallery = await holdRenditions(page);
  // Not `load`: the held image would keep it from firing.
  await page.goto('/media', { waitUntil: 'domcontentloaded' });
  const link = page.locator('main a.gallery__link');
  const id = (await link.getAttribute('href'))!.split('/').pop()!;
  const response = await page.request.get(
    `/api/trpc/media.byId?input=${encodeURIComponent(JSON.stringify({ id }))}`,
  );
  const placeholder = (await response.json()).result.data.placeholder as Placeholder | null;
  expect(placeholder).toEqual({
    thumbhash: expect.any(String),
    color: expect.stringMatching(/^#[0-9a-f]{6}$/),
  });

  // The colour is in the server-rendered HTML, so it shows from the first paint, before any script.
  const html = await (await page.request.get('/media')).text();
  expect(html).toContain(`background-color:${placeholder!.color}`);

  const thumb = link.locator('img');
  await expectPlaceholderShown(thumb, placeholder!, gallery.heldUrls, uploadMean);
  await gallery.release();
  await expectImageShown(thumb);

  const detail = await holdRenditions(page);
  await page.goto(`/media/${id}`, { waitUntil: 'domcontentloaded' });
  const picture = page.locator('picture.media-picture img');
  await expectPlaceholderShown(picture, placeholder!, detail.heldUrls, uploadMean);
  await detail.release();
  await expectImageShown(picture);
});

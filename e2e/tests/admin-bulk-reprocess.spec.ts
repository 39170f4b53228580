import { expect, test } from '@playwright/test';
import { confirmAction, signInAsAdmin, uploadFile } from './admin-fixtures';
import { makePng } from './fixtures';

/**
 * After a preset change the operator previews the bulk reprocess of every READY image (its count is the
 * database's: two more once two uploads are ready), starts it with a confirmation, and sees it audited,
 * queued and over. The stack is shared by the specs, so counts are read relative to what was there.
 */
test('an admin previews a preset’s bulk reprocess with the real count, starts it, and it is audited and run', async ({
  page,
}) => {
  await signInAsAdmin(page);
  const images = page.getByTestId('preview-images');
  await page.goto('/admin/reprocess');
  await page.getByLabel('Preset').selectOption('card');
  await expect(images).toHaveText(/^\d+$/);
  const before = Number(await images.textContent());

  for (const name of ['bulk-a.png', 'bulk-b.png']) {
    const id = await uploadFile(page, { name, mimeType: 'image/png', buffer: await makePng(800, 600) });
    await page.goto(`/admin/media?q=${id}`);
    await expect(page.locator(`tr[data-media-id="${id}"]`)).toContainText('Ready', { timeout: 60_000 });
  }

  await page.goto('/admin/reprocess');
  await page.getByLabel('Preset').selectOption('card');
  const count = before + 2;
  await expect(images).toHaveText(String(count));
  await expect(page.getByTestId('preview-jobs')).toHaveText(String(count * 3));
  // Measured from the image jobs just run, never a constant.
  await expect(page.getByTestId('preview-cost')).toContainText('CPU-minutes');

  await confirmAction(page, 'Start reprocess');
  await expect(page.getByRole('status')).toContainText(`Started: ${count} images to queue`);

  await page.goto('/admin/audit');
  const audited = (action: string) =>
    page
      .getByRole('row')
      .filter({ hasText: 'preset card' })
      .filter({ has: page.getByRole('cell', { name: action, exact: true }) })
      .first();
  await expect(audited('media.bulk-reprocess')).toContainText(`"images":${count}`);
  await expect(audited('media.bulk-reprocess-done')).toContainText(`"queued":${count}`, { timeout: 60_000 });

  // The queued images leave the count until their flows are over; wait for that, so that no later spec
  // finds them in flight.
  await page.goto('/admin/reprocess');
  await expect(async () => {
    await page.reload();
    await page.getByLabel('Preset').selectOption('card');
    await expect(images).toHaveText(String(count), { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
});

/**
 * An eager preset (the stack sets IMAGE_EAGER_PRESETS=thumb) can be brought up to date in the /img cache
 * alone: one job per image and no flows, so the media keep their renditions, run and status.
 */
test('an admin re-renders an eager preset into the image cache only, one job per image, no flows', async ({
  page,
}) => {
  await signInAsAdmin(page);
  const id = await uploadFile(page, {
    name: 'eager.png',
    mimeType: 'image/png',
    buffer: await makePng(640, 480),
  });
  await page.goto(`/admin/media?q=${id}`);
  await expect(page.locator(`tr[data-media-id="${id}"]`)).toContainText('Ready', { timeout: 60_000 });

  await page.goto('/admin/reprocess');
  await page.getByLabel('Preset').selectOption('thumb');
  const cacheOnly = page.getByLabel('Eager renders only (the image cache, no flows)');
  await cacheOnly.check();
  const images = page.getByTestId('preview-images');
  await expect(images).toHaveText(/^[1-9]\d*$/);
  const count = Number(await images.textContent());
  await expect(page.getByTestId('preview-jobs')).toHaveText(String(count));
  // A preset that is not eager has no cache renders of its own to redo: no such mode is offered.
  await page.getByLabel('Preset').selectOption('card');
  await expect(cacheOnly).toHaveCount(0);
  await page.getByLabel('Preset').selectOption('thumb');
  await page.getByLabel('Eager renders only (the image cache, no flows)').check();
  await expect(page.getByTestId('preview-jobs')).toHaveText(String(count));

  await page.getByRole('button', { name: 'Start reprocess', exact: true }).click();
  await expect(page.getByRole('group')).toContainText(
    `Render preset thumb of ${count} images into the image cache (${count} jobs)?`,
  );
  await page.getByRole('button', { name: 'Yes, start reprocess' }).click();
  await expect(page.getByRole('status')).toContainText(`Started: ${count} images to queue`);

  await page.goto('/admin/audit');
  const done = page
    .getByRole('row')
    .filter({ hasText: 'preset thumb' })
    .filter({ has: page.getByRole('cell', { name: 'media.bulk-reprocess-done', exact: true }) })
    .first();
  await expect(done).toContainText(`"queued":${count}`, { timeout: 60_000 });
  await expect(done).toContainText('"mode":"eager"');

  // No new flow: the media is still READY on its first run.
  await page.goto(`/admin/media?q=${id}`);
  await expect(page.locator(`tr[data-media-id="${id}"]`)).toContainText('Ready');
});

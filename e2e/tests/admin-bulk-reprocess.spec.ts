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

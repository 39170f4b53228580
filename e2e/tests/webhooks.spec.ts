import { expect, test } from '@playwright/test';
import { signUp } from './fixtures';

test('a user adds a webhook (secret shown once), is refused a private target, and removes it', async ({
  page,
}, testInfo) => {
  await signUp(page, testInfo);
  await page.goto('/settings/webhooks');
  await expect(page.getByText('No webhooks yet.')).toBeVisible();

  await page.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/hook');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByText(/private, loopback or reserved address/)).toBeVisible();

  await page.getByLabel('Endpoint URL').fill('https://93.184.216.34/hooks/fjord');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const secret = page.getByRole('status', { name: 'New webhook secret' });
  await expect(secret).toContainText(/whsec_[A-Za-z0-9_-]{32}/);
  const endpoint = page.getByRole('article').filter({ hasText: 'https://93.184.216.34/hooks/fjord' });
  await expect(endpoint).toContainText('media.ready, media.failed');

  await endpoint.getByRole('button', { name: 'Show deliveries' }).click();
  await expect(endpoint.getByText('No deliveries yet.')).toBeVisible();

  await page.reload();
  await expect(page.getByRole('status', { name: 'New webhook secret' })).toHaveCount(0);
  await page
    .getByRole('article')
    .filter({ hasText: '93.184.216.34' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(page.getByText('No webhooks yet.')).toBeVisible();
});

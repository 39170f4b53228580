import { expect, type Page } from '@playwright/test';

/** Set by e2e/stack.mjs; the launcher creates this admin on first start. */
export const E2E_ADMIN = { email: 'admin@e2e.fjord.local', password: 'e2e-admin-password-123' };

export async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(E2E_ADMIN.email);
  await page.getByLabel('Password').fill(E2E_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: /sign out/i })).toBeVisible();
}

/** Clicks an action button, then its inline confirmation. */
export async function confirmAction(page: Page, label: string): Promise<void> {
  await page.getByRole('button', { name: label, exact: true }).first().click();
  await page.getByRole('button', { name: `Yes, ${label.toLowerCase()}` }).click();
}

/** Uploads through the real upload page and returns the new media's id. */
export async function uploadFile(
  page: Page,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<string> {
  await page.goto('/upload');
  await page.locator('input[type="file"]').setInputFiles([file]);
  const item = page
    .getByRole('list', { name: 'Uploads' })
    .getByRole('listitem')
    .filter({ hasText: file.name });
  const link = item.getByRole('link');
  await expect(link.first()).toHaveAttribute('href', /\/media\/[0-9a-f-]{36}/);
  const href = (await link.first().getAttribute('href')) ?? '';
  return /\/media\/([0-9a-f-]{36})/.exec(href)![1]!;
}

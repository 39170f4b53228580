import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { signUp } from './fixtures';

const port = process.env.E2E_PORT ?? '3100';
// The stack mails into its outbox folder (e2e/stack.mjs: SMTP_URL unset, FJORD_DATA_DIR=.data/e2e-<port>).
const outbox = path.resolve(path.dirname(fileURLToPath(import.meta.url)), `../../.data/e2e-${port}/mail`);

/** The verification mail to `email` written by the real worker-email, as an .eml file. */
async function verificationMailTo(email: string): Promise<string | undefined> {
  for (const name of await readdir(outbox).catch(() => [] as string[])) {
    if (!name.startsWith('account-') || !name.includes('verify-email')) continue;
    const text = await readFile(path.join(outbox, name), 'utf8').catch(() => '');
    if (text.toLowerCase().includes(`to: ${email}`)) return text;
  }
  return undefined;
}

test('a self-service account confirms its address through the mailed link', async ({ page }, testInfo) => {
  const email = await signUp(page, testInfo);
  const banner = page.getByRole('region', { name: 'Confirm your email address' });
  await expect(banner).toContainText(`we sent a link to ${email}`);

  // The link in the mail the worker sent (quoted-printable may fold it: unfold before reading).
  let mail: string | undefined;
  await expect.poll(async () => (mail = await verificationMailTo(email)), { timeout: 30_000 }).toBeTruthy();
  const unfolded = mail!.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const link = /https?:\/\/[^\s"<>]+\/verify-email\?token=[A-Za-z0-9._%-]+/.exec(unfolded)?.[0];
  expect(link).toBeDefined();

  // Another link a minute later is refused in words, not silently.
  await banner.getByRole('button', { name: 'Send a new link' }).click();
  await expect(banner.getByRole('alert')).toContainText('less than a minute ago');

  // Opening the page changes nothing; the button confirms.
  await page.goto(new URL(link!).pathname + new URL(link!).search);
  await expect(page.getByRole('region', { name: 'Confirm your email address' })).toBeVisible();
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  const main = page.getByRole('main');
  await expect(main.getByRole('status')).toContainText('your address is confirmed');
  await page.goto('/media');
  await expect(page.getByRole('region', { name: 'Confirm your email address' })).toHaveCount(0);

  // A tampered link is refused with a sentence.
  await page.goto(
    `/verify-email?token=${encodeURIComponent(new URL(link!).searchParams.get('token')!.slice(0, -2))}xx`,
  );
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(main.getByRole('alert')).toContainText('This confirmation link is not valid');
});

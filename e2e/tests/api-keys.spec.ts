import { expect, test } from '@playwright/test';
import { signUp } from './fixtures';

test('a user creates an API key, sees it once, uses it, and revokes it', async ({
  page,
  request,
}, testInfo) => {
  await signUp(page, testInfo);
  await page.goto('/settings/api-keys');
  await expect(page.getByText('No API keys yet.')).toBeVisible();

  await page.getByLabel('Name').fill('ci uploader');
  await page.getByLabel('webhooks:manage').check();
  await page.getByRole('button', { name: 'Create key' }).click();

  const shown = page.getByTestId('new-api-key');
  await expect(shown).toHaveText(/^fjk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
  const key = (await shown.textContent())!;
  const row = page.getByRole('row', { name: /ci uploader/ });
  await expect(row).toContainText(key.slice(0, 12));
  await expect(row).toContainText('media:read, media:write, webhooks:manage');
  await expect(row).toContainText('never');

  // The key works against the REST API, and the page records its use.
  const auth = { Authorization: `Bearer ${key}` };
  const listed = await request.get('/api/v1/media', { headers: auth });
  expect(listed.status()).toBe(200);
  expect(await listed.json()).toEqual({ items: [], nextCursor: null });

  // Shown once: after a reload only the prefix remains.
  await page.reload();
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);
  await expect(page.getByText(key.slice(13))).toHaveCount(0);
  await expect(row).not.toContainText('never');

  await row.getByRole('button', { name: 'Revoke ci uploader' }).click();
  await expect(row).toContainText('revoked');
  await expect.poll(async () => (await request.get('/api/v1/media', { headers: auth })).status()).toBe(401);
});

test('the API reference page renders the OpenAPI document with no outside assets', async ({ page }) => {
  const outside: string[] = [];
  page.on('request', (req) => {
    if (
      !req.url().startsWith(new URL(page.url() || 'http://127.0.0.1').origin) &&
      !req.url().startsWith('data:')
    )
      outside.push(req.url());
  });
  await page.goto('/docs/api');
  await expect(page.getByRole('heading', { name: /Fjord API/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'GET /api/v1/media/{id}/renditions' })).toBeVisible();
  await expect(page.locator('#schema-Media')).toContainText('createdAt');
  // Resumable uploads (tus) and the webhook events are part of the reference too.
  await expect(page.getByRole('heading', { name: 'PATCH /api/tus/{uploadId}' })).toBeVisible();
  await expect(page.locator('#appendResumableUpload')).toContainText('Upload-Media-Id');
  await expect(page.getByRole('heading', { name: 'Webhook events' })).toBeVisible();
  for (const event of ['media.ready', 'media.failed', 'media.deleted']) {
    const section = page.locator(`#webhook-${event.replace('.', '-')}`);
    await expect(section.getByRole('heading', { name: event })).toBeVisible();
    await expect(section).toContainText('Fjord-Signature');
    await expect(section.getByRole('link', { name: 'WebhookEventPayload' })).toHaveAttribute(
      'href',
      '#schema-WebhookEventPayload',
    );
    const example = JSON.parse((await section.getByLabel(`Example ${event} body`).textContent()) ?? '');
    expect(example).toMatchObject({ type: event, data: { kind: 'VIDEO' } });
  }
  const doc = await (await page.request.get('/api/v1/openapi.json')).json();
  expect(doc.openapi).toBe('3.1.0');
  expect(outside.filter((u) => !u.includes('127.0.0.1'))).toEqual([]);
});

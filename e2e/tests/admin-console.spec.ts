import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { confirmAction, signInAsAdmin, uploadFile } from './admin-fixtures';
import { makeJpeg, makePng, signUp } from './fixtures';

const port = process.env.E2E_PORT ?? '3100';
// The stack's blob store (e2e/stack.mjs: FJORD_DATA_DIR=.data/e2e-<port>, blobs under it).
const blobRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), `../../.data/e2e-${port}/blobs`);

async function snapshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

test('a USER who opens /admin is sent back to their media', async ({ page }, testInfo) => {
  await signUp(page, testInfo);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/media\?notice=admin-only$/);
  await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
});

/**
 * The scenario: the stored original of an upload is damaged (a copy that stopped half way), so every
 * variant fails with "corrupt or truncated" and the media ends FAILED. The operator finds the failed
 * job, reads why, restores the original from backup (here: writes the full file over the damaged
 * one) and retries; the retry re-runs the flow and the media becomes READY.
 */
test('an admin finds a failed job, reads its stacktrace, fixes the cause, retries, and the media is READY', async ({
  page,
}, testInfo) => {
  await signInAsAdmin(page);
  const original = await makeJpeg(1200, 800);
  const damaged = original.subarray(0, Math.floor(original.length * 0.4));
  const mediaId = await uploadFile(page, { name: 'damaged.jpg', mimeType: 'image/jpeg', buffer: damaged });

  await page.goto(`/admin/jobs?q=${mediaId}`);
  const failedRow = page.getByRole('row').filter({ hasText: `media.${mediaId}.transcode.w1280-webp` });
  await expect(failedRow).toContainText('failed', { timeout: 30_000 });
  await failedRow.getByRole('link').click();

  await expect(page.getByTestId('failed-reason')).toContainText(/corrupt or truncated/i);
  await expect(page.getByLabel('Stacktrace')).toContainText(/UnrecoverableError|at /);
  await expect(page.getByLabel('Job log')).toContainText('failed for good (input)');
  await expect(page.getByRole('list', { name: 'Flow' })).toContainText(`media.${mediaId}.notify`);
  await snapshot(page, testInfo, 'failed-job');
  // The flow has finished (notify told the uploader) before the operator acts.
  await expect(page.locator('.flow-node').first()).toContainText('completed');

  // Fix the cause: restore the complete original (atomically, as a restore tool would).
  const target = path.join(blobRoot, 'media', mediaId, 'original.jpg');
  await writeFile(`${target}.restore`, original);
  await rename(`${target}.restore`, target);

  await confirmAction(page, 'Retry');
  await expect(page.getByRole('status')).toContainText(/whole flow runs again/);

  await page.getByRole('link', { name: 'open the media' }).click();
  await expect(page.locator('main')).toContainText(/ready/i, { timeout: 60_000 });
  await expect(page.locator('picture source[type="image/avif"]')).toHaveCount(1);

  // The re-run flow, from the media: every node completed.
  await page.getByRole('link', { name: 'Flow in the admin console' }).click();
  const flow = page.getByRole('list', { name: 'Flow' });
  await expect(flow).toContainText(`media.${mediaId}.transcode.w1280-webp`);
  await expect(flow.locator('.flow-node--completed')).toHaveCount(5);

  // The same page shows the media's timeline, the one `npm run fjord -- trace <mediaId>` prints.
  const timeline = page.getByRole('table', { name: /npm run fjord -- trace/ });
  await expect(timeline).toContainText(`fjord -- trace ${mediaId}`);
  await expect(timeline.getByRole('caption')).toContainText('READY');
  const step = (name: string) =>
    timeline.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
  await expect(step('ingest')).toContainText('+0.000 s');
  await expect(step('transcode w1280-webp')).toContainText(/waited \d+ ms, 1 attempt, done/);
  await expect(step('commit')).toContainText('READY');

  await page.goto('/admin/audit');
  await expect(
    page.getByRole('row').filter({ hasText: `media.${mediaId}.transcode.w1280-webp` }),
  ).toContainText('job.retry');
});

test('pausing transcode makes a new upload wait; resuming lets it finish', async ({
  page,
  baseURL,
}, testInfo) => {
  await signInAsAdmin(page);
  try {
    await page.goto('/admin');
    const card = page.getByRole('region', { name: /^transcode/ });
    await confirmAction(page, 'Pause');
    await expect(card.getByRole('heading')).toContainText('Paused');

    const mediaId = await uploadFile(page, {
      name: 'waits.png',
      mimeType: 'image/png',
      buffer: await makePng(),
    });
    await page.goto(`/admin/jobs?q=${mediaId}`);
    const transcodeRows = page.getByRole('row').filter({ hasText: `media.${mediaId}.transcode.` });
    await expect(transcodeRows).toHaveCount(3);
    // Flow jobs carry their owner's fair-share priority (ADR 0021): BullMQ keeps them as `prioritized`.
    for (const row of await transcodeRows.all()) await expect(row).toContainText(/waiting|prioritized/);
    await page.goto(`/admin/media?q=${mediaId}`);
    await expect(page.locator(`tr[data-media-id="${mediaId}"]`)).toContainText('Queued');

    await page.goto('/admin');
    // Waiting jobs are counted as `waiting`, or as `prioritized` when they carry a fair-share priority.
    const transcodeCard = page.getByRole('region', { name: /^transcode/ });
    const countOf = async (state: string) =>
      Number(await transcodeCard.locator(`[data-count="${state}"]`).textContent());
    await expect
      .poll(async () => (await countOf('waiting')) + (await countOf('prioritized')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await snapshot(page, testInfo, 'overview-paused');
    await confirmAction(page, 'Resume');
    await expect(page.getByRole('region', { name: /^transcode/ }).getByRole('heading')).not.toContainText(
      'Paused',
    );

    await page.goto(`/admin/media?q=${mediaId}`);
    await expect(page.locator(`tr[data-media-id="${mediaId}"]`)).toContainText('Ready', { timeout: 60_000 });
  } finally {
    // Never leave the shared e2e stack paused for the next spec.
    // tRPC refuses a POST with cookies but no Origin of this site (CSRF); a browser sends one, so must this.
    await page.request.post('/api/trpc/admin.resumeQueue', {
      data: { queue: 'transcode' },
      headers: { origin: new URL(baseURL!).origin },
    });
  }
});

test('an admin overrides a user’s uploads per day in the users page, and the user’s next upload is refused', async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  const userContext = await browser.newContext();
  try {
    const userPage = await userContext.newPage();
    const email = await signUp(userPage, testInfo);
    const png = await makePng(64, 48);
    // The browser's streamed upload route, with the user's session (tRPC and REST check the Origin).
    const upload = (name: string) =>
      userPage.request.post('/api/uploads', {
        data: png,
        headers: { origin: new URL(baseURL!).origin, 'content-type': 'image/png', 'x-filename': name },
      });
    expect((await upload('first.png')).status()).toBe(202);

    await signInAsAdmin(page);
    await page.goto('/admin/users');
    await page.getByLabel('Email contains').fill(email);
    await page.getByRole('row').filter({ hasText: email }).getByRole('link', { name: 'Quotas' }).click();
    await expect(page).toHaveURL(/\/admin\/users\?user=[0-9a-f-]{36}$/);
    const userId = new URL(page.url()).searchParams.get('user')!;
    const panel = page.getByRole('region', { name: `Quotas of ${email}` });
    const limit = (name: string) =>
      panel.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    await expect(limit('Storage')).toContainText(/GB\s*default\s*[\d.]+ (B|KB) stored/);
    await expect(limit('Uploads per day')).toContainText(/[\d,]+\s*default\s*1 today/);
    await expect(limit('Video minutes per day')).toContainText(/default\s*0 min today/);

    // Past the server's range: refused, and the panel says which field and why.
    const uploadsField = panel.getByLabel('Uploads per day');
    await uploadsField.fill('3000000000');
    await confirmAction(page, 'Save quotas');
    await expect(panel.getByRole('status')).toHaveText('Not saved. Uploads per day: at most 2147483647.');

    await uploadsField.fill('1');
    await expect(panel.getByRole('group')).toHaveCount(0);
    await page.getByRole('button', { name: 'Save quotas', exact: true }).click();
    await expect(panel.getByRole('group', { name: `For ${email}: Uploads per day 1?` })).toBeVisible();
    await page.getByRole('button', { name: 'Yes, save quotas' }).click();
    await expect(panel.getByRole('status')).toHaveText('Quotas saved.');

    // From the server, not the form's state: after a reload the override is there.
    await page.reload();
    await expect(limit('Uploads per day')).toContainText(/^Uploads per day\s*1\s*override\s*1 today$/);
    await expect(limit('Storage')).toContainText('default');
    await expect(panel.getByLabel('Uploads per day')).toHaveValue('1');
    await snapshot(page, testInfo, 'user-quota');

    // The ingest path obeys it: the second upload of the day is refused before a byte is stored.
    const refused = await upload('second.png');
    expect(refused.status()).toBe(429);
    expect(await refused.json()).toMatchObject({
      error: { code: 'daily_quota_exceeded', message: expect.stringContaining('your daily limit of 1') },
    });

    await page.goto('/admin/audit');
    await expect(
      page.getByRole('row').filter({ hasText: userId }).filter({ hasText: 'user.set-quota' }),
    ).toContainText('{"uploadsPerDay":1}');
  } finally {
    await userContext.close();
  }
});

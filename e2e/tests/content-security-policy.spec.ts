import { expect, test } from '@playwright/test';

test('pages carry a fresh script nonce, run their own scripts and refuse injected ones', async ({ page, request }) => {
  const first = (await request.get('/login')).headers()['content-security-policy'] ?? '';
  const second = (await request.get('/login')).headers()['content-security-policy'] ?? '';
  const nonceOf = (policy: string) => /script-src[^;]*'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
  expect(nonceOf(first)).toBeTruthy();
  expect(nonceOf(second)).toBeTruthy();
  expect(nonceOf(first)).not.toBe(nonceOf(second));
  expect(first).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(/script-src[^;]*/.exec(first)?.[0]).not.toContain('unsafe-inline');

  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
      violations.push(message.text());
    }
  });
  await page.goto('/login');
  // Hydrated: the form is React's (client-side validation answers without a reload).
  await page.getByLabel('Email').fill('someone@example.com');
  await page.getByLabel('Password').fill('wrong-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  expect(violations, 'Next.js own scripts must not be blocked').toEqual([]);

  // An injected inline handler (the shape of a stored-XSS payload) is blocked by the browser.
  const blocked = await page.evaluate(
    () =>
      new Promise<{ directive: string; ran: boolean }>((resolve) => {
        document.addEventListener('securitypolicyviolation', (event) =>
          resolve({
            directive: event.effectiveDirective,
            ran: (window as unknown as { __xss?: number }).__xss === 1,
          }),
        );
        document.body.insertAdjacentHTML('beforeend', '<img alt="" src="data:," onerror="window.__xss = 1">');
      }),
  );
  expect(blocked.directive).toMatch(/^script-src/);
  expect(blocked.ran).toBe(false);

  const api = await request.get('/api/health/live');
  expect(api.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
});

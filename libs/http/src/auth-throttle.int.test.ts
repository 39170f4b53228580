import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '@fjord/testing';
import { handleTrpcRequest } from './trpc-handler';
import { createWebHarness } from './test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
beforeAll(async () => {
  h = await createWebHarness({ AUTH_IP_ATTEMPTS: '2', SIGNUP_MODE: 'closed' });
});
afterAll(async () => {
  await h?.close();
});

function post(path: string, body: unknown, forwardedFor: string) {
  return handleTrpcRequest(
    new Request(`http://localhost:3000/api/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify(body),
    }),
    h.services,
  );
}

describe('auth throttling over HTTP', () => {
  it('answers 429 with Retry-After and a readable message once an IP is over its sign-in budget', async () => {
    const user = await createTestUser(h.db);
    const attempt = () =>
      post('auth.signIn', { email: user.email, password: 'wrong-password' }, '192.0.2.77');
    expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(401);
    const res = await attempt();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as {
      error: { message: string; data: { code: string; appCode: string } };
    };
    expect(body.error.message).toMatch(/^Too many sign-in attempts from your network\. Please try again in/);
    expect(body.error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', appCode: 'rate_limited' });
  });

  it('SIGNUP_MODE=closed refuses sign-up over HTTP with 403 and says so', async () => {
    const res = await post(
      'auth.signUp',
      { email: 'new@x.local', password: 'a-good-password' },
      '192.0.2.78',
    );
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^Sign-up is closed\./);
  });
});

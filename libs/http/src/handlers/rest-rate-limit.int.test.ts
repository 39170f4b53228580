import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestHandlers } from '../rest-handlers';
import { createWebHarness } from '../test/web-test-harness';

let h: Awaited<ReturnType<typeof createWebHarness>>;
let rest: ReturnType<typeof createRestHandlers>;

beforeAll(async () => {
  h = await createWebHarness({ RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
  rest = h.rest;
});
afterAll(async () => {
  await h?.close();
});

const list = (auth: Record<string, string>) =>
  rest.listMedia(new Request('http://localhost:3000/api/v1/media', { headers: auth }));

describe('rate limits per API key', () => {
  it('counts down in RateLimit-* headers, then answers 429 with Retry-After; other keys are untouched', async () => {
    const a = await h.createUserWithKey();
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const res = await list(a.auth);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(res.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await list(a.auth);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringMatching(/Retry-After/) },
    });
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // One token refills every 60 s / 3 = 20 s.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(19);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20);
    expect(refused.headers.get('ratelimit-policy')).toBe('3;w=60');

    const b = await h.createUserWithKey();
    expect((await list(b.auth)).status).toBe(200);
  });

  it('limits every endpoint through the same bucket, uploads included', async () => {
    const { auth } = await h.createUserWithKey();
    for (let i = 0; i < 3; i++) expect((await list(auth)).status).toBe(200);
    const upload = await rest.createMedia(
      new Request('http://localhost:3000/api/v1/media', {
        method: 'POST',
        body: new FormData(),
        headers: auth,
      }),
    );
    expect(upload.status).toBe(429);
    const get = await rest.getMedia(
      new Request('http://localhost:3000/api/v1/media/x', { headers: auth }),
      '00000000-0000-4000-8000-000000000000',
    );
    expect(get.status).toBe(429);
  });
});

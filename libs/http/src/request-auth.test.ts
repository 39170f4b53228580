import { describe, expect, it } from 'vitest';
import { isSameOrigin, type OriginPolicy } from './request-auth';

const post = (headers: Record<string, string>) =>
  new Request('http://fjord.internal:3000/api/trpc/x', { method: 'POST', headers });
const direct: OriginPolicy = { TRUST_PROXY: false, FJORD_PUBLIC_URL: 'https://media.example' };
const proxied: OriginPolicy = { ...direct, TRUST_PROXY: true };
const cookie = 'fjord_session=t';

describe('isSameOrigin', () => {
  it('takes the public URL or the host the request reached', () => {
    expect(isSameOrigin(post({ cookie, origin: 'https://media.example', host: 'web:3000' }), direct)).toBe(
      true,
    );
    expect(isSameOrigin(post({ cookie, origin: 'http://web:3000', host: 'web:3000' }), direct)).toBe(true);
    // Same host, other scheme than the public URL: still the host the browser reached.
    expect(isSameOrigin(post({ cookie, origin: 'http://media.example', host: 'web:3000' }), direct)).toBe(
      false,
    );
    expect(isSameOrigin(post({ cookie, origin: 'null', host: 'web:3000' }), direct)).toBe(false);
    expect(isSameOrigin(post({ cookie, host: 'web:3000' }), direct)).toBe(false);
    expect(isSameOrigin(post({ host: 'web:3000' }), direct)).toBe(true);
  });

  it('ignores X-Forwarded-Host without TRUST_PROXY: the client wrote it', () => {
    const spoofed = {
      cookie,
      origin: 'https://evil.example',
      host: 'web:3000',
      'x-forwarded-host': 'evil.example',
    };
    expect(isSameOrigin(post(spoofed), direct)).toBe(false);
  });

  it("with TRUST_PROXY, trusts the proxy's hop (the last) and nothing the client put before it", () => {
    const behind = { cookie, host: 'web:3000', 'x-forwarded-host': 'media.internal' };
    expect(isSameOrigin(post({ ...behind, origin: 'https://media.internal' }), proxied)).toBe(true);
    expect(
      isSameOrigin(
        post({
          ...behind,
          origin: 'https://evil.example',
          'x-forwarded-host': 'evil.example, media.internal',
        }),
        proxied,
      ),
    ).toBe(false);
    expect(isSameOrigin(post({ ...behind, origin: 'http://web:3000' }), proxied)).toBe(false);
  });
});

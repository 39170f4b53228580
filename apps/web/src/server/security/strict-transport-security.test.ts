import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STRICT_TRANSPORT_SECURITY,
  strictTransportSecurityFor,
  withStrictTransportSecurity,
} from './strict-transport-security';

const HSTS = 'max-age=31536000; includeSubDomains';

describe('Strict-Transport-Security', () => {
  const saved = process.env.FJORD_PUBLIC_URL;
  beforeAll(() => {
    // getConfig() parses the environment once per module graph: this file runs as an https site.
    process.env.FJORD_PUBLIC_URL = 'https://fjord.example';
  });
  afterAll(() => {
    process.env.FJORD_PUBLIC_URL = saved;
  });

  it('is a year with subdomains, for https sites only', () => {
    expect(STRICT_TRANSPORT_SECURITY).toBe(HSTS);
    expect(strictTransportSecurityFor('https://fjord.example')).toBe(HSTS);
    expect(strictTransportSecurityFor('http://localhost:3000')).toBeNull();
    expect(strictTransportSecurityFor('not a url')).toBeNull();
    const plain = withStrictTransportSecurity(new Response('ok'), 'http://localhost:3000');
    expect(plain.headers.has('strict-transport-security')).toBe(false);
  });

  it('reaches responses whose headers are immutable (redirects)', async () => {
    const res = withStrictTransportSecurity(
      Response.redirect('https://fjord.example/media', 303),
      'https://x.example',
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://fjord.example/media');
    expect(res.headers.get('strict-transport-security')).toBe(HSTS);
  });

  it('is on every page (proxy) and every route handler response when FJORD_PUBLIC_URL is https', async () => {
    const { proxy } = await import('../../proxy');
    const { NextRequest } = await import('next/server');
    const page = proxy(new NextRequest('https://fjord.example/login'));
    expect(page.headers.get('strict-transport-security')).toBe(HSTS);
    expect(page.headers.get('content-security-policy')).toMatch(/nonce-/);

    const { withTransportSecurity } = await import('./strict-transport-security');
    const live = withTransportSecurity(() => Response.json({ status: 'ok' }));
    expect((await live()).headers.get('strict-transport-security')).toBe(HSTS);
    const failing = withTransportSecurity(async () => new Response('{}', { status: 500 }));
    expect((await failing()).headers.get('strict-transport-security')).toBe(HSTS);
  });

  it('is added by every route handler the app has (each export goes through route() or withTransportSecurity)', () => {
    const appDir = path.join(import.meta.dirname, '../../app');
    const routes = (readdirSync(appDir, { recursive: true }) as string[]).filter((f) =>
      f.endsWith('route.ts'),
    );
    expect(routes.length).toBeGreaterThan(10);
    // route() is the one adapter onto @fjord/http: it must itself wrap every handler.
    const adapter = readFileSync(path.join(import.meta.dirname, '../route.ts'), 'utf8');
    expect(adapter).toMatch(/return withTransportSecurity\(/);
    for (const route of routes) {
      const source = readFileSync(path.join(appDir, route), 'utf8');
      const methods = [
        ...source.matchAll(/export (?:async )?function (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g),
      ];
      expect(methods, `${route}: a bare route function skips HSTS`).toEqual([]);
      const built = [...source.matchAll(/export const (\w+) = (\w+)/g)];
      const defined = built.filter(([, name]) => /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(name!));
      expect(defined.length, route).toBeGreaterThan(0);
      for (const [, name, wrapper] of defined) {
        expect(['route', 'withTransportSecurity'], `${route}: ${name}`).toContain(wrapper);
      }
      // Aliases (`export { POST as HEAD }`) may only name a method defined above.
      for (const [, list] of source.matchAll(/export \{([^}]+)\}/g)) {
        for (const alias of list!.split(',')) {
          const original = alias.trim().split(/\s+as\s+/)[0]!;
          expect(
            defined.map(([, name]) => name),
            `${route}: ${alias}`,
          ).toContain(original);
        }
      }
    }
  });
});

import { getConfig } from '@fjord/config';
import { type NextRequest, NextResponse } from 'next/server';
import { createNonce, pageContentSecurityPolicy } from './server/security/content-security-policy';
import { withStrictTransportSecurity } from './server/security/strict-transport-security';

/**
 * A fresh CSP nonce for every page. Next reads the policy from the request to put the nonce on its own
 * scripts; the browser gets the same policy on the response. API routes, user files and static assets are
 * not pages: next.config.ts gives them their own fixed policies. HSTS (https sites only) is added here for
 * pages and by withTransportSecurity in every route handler: both read FJORD_PUBLIC_URL at request time.
 */
export function proxy(request: NextRequest) {
  const nonce = createNonce();
  // NODE_ENV is the build mode Next inlines at build time, not runtime configuration.
  // eslint-disable-next-line no-restricted-properties
  const policy = pageContentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development' });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return withStrictTransportSecurity(response, getConfig().FJORD_PUBLIC_URL);
}

export const config = {
  matcher: [
    {
      source: '/((?!api/|files/|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};

import { getConfig } from '@fjord/config';

/** A year, subdomains included: once a browser has seen Fjord over https it never tries http again. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** The HSTS value for a site published at `publicUrl`: only an https site sends it. */
export function strictTransportSecurityFor(publicUrl: string): string | null {
  try {
    return new URL(publicUrl).protocol === 'https:' ? STRICT_TRANSPORT_SECURITY : null;
  } catch {
    return null;
  }
}

/** `res` with the HSTS header when `publicUrl` is https (a copy when its headers are immutable). */
export function withStrictTransportSecurity(res: Response, publicUrl: string): Response {
  const value = strictTransportSecurityFor(publicUrl);
  if (!value) return res;
  try {
    res.headers.set('Strict-Transport-Security', value);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    copy.headers.set('Strict-Transport-Security', value);
    return copy;
  }
}

/**
 * A route handler whose every response carries HSTS when FJORD_PUBLIC_URL is https. It has to happen at
 * request time: next.config.ts headers() are fixed when the image is built, and the proxy (which adds it
 * to pages) must not run on upload routes, because Next buffers a request body for the proxy.
 */
export function withTransportSecurity<A extends unknown[]>(
  handler: (...args: A) => Response | Promise<Response>,
): (...args: A) => Promise<Response> {
  return async (...args) => withStrictTransportSecurity(await handler(...args), getConfig().FJORD_PUBLIC_URL);
}

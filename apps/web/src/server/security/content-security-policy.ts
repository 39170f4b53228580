/**
 * The Content-Security-Policy of every page. Scripts run only when they carry this response's nonce (Next
 * puts it on its own bootstrap and chunk scripts when it finds the policy on the request) or when such a
 * script loads them ('strict-dynamic'); inline handlers and injected <script> tags do not run. Styles keep
 * 'unsafe-inline' because React's style attributes cannot carry a nonce; CSS cannot run script.
 * No remote origin appears anywhere: everything is same-origin. API routes and user files get fixed
 * policies from next.config.ts.
 */
export function pageContentSecurityPolicy(nonce: string, opts: { dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    // blob: is the MediaSource URL hls.js attaches to the <video>; a blob cannot name another origin.
    "media-src 'self' blob:",
    // hls.js runs its demuxer in a Worker made from a blob: URL (it falls back to the page if refused).
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** 128 random bits, base64: unguessable and fresh for every response. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}

const FALLBACK = '/media';

/**
 * Where `?next=` may send someone after signing in: only a path of this site. The value is resolved the
 * way a browser would resolve it (tabs and newlines dropped, `\` read as `/`, `//host` as another origin,
 * `..` collapsed) and kept only when the result is still on `origin`; anything else, and anything that
 * would be read as protocol-relative once returned, falls back to the gallery.
 */
export function safeReturnPath(next: string | string[] | undefined, origin: string): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value?.startsWith('/')) return FALLBACK;
  try {
    const site = new URL(origin).origin;
    const url = new URL(value, site);
    if (url.origin !== site) return FALLBACK;
    const path = `${url.pathname}${url.search}${url.hash}`;
    // `/.//evil` resolves to the path `//evil`, which a Location header would send to evil.
    return path.startsWith('//') || path.startsWith('/\\') ? FALLBACK : path;
  } catch {
    return FALLBACK;
  }
}

export const SESSION_COOKIE_NAME = 'fjord_session';

/** The session token from a Cookie header, if any. */
export function readSessionCookie(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE_NAME) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 ? value : undefined;
    }
  }
  return undefined;
}

/** Set-Cookie value for a session: httpOnly, SameSite=Lax, Secure when the site is served over https. */
export function serializeSessionCookie(token: string, opts: { expiresAt: Date; secure: boolean }): string {
  const maxAge = Math.max(0, Math.floor((opts.expiresAt.getTime() - Date.now()) / 1000));
  const attrs = [
    `${SESSION_COOKIE_NAME}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAge}`,
    `Expires=${opts.expiresAt.toUTCString()}`,
  ];
  if (opts.secure) attrs.push('Secure');
  return attrs.join('; ');
}

export function serializeClearedSessionCookie(opts: { secure: boolean }): string {
  const attrs = [
    `${SESSION_COOKIE_NAME}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
  ];
  if (opts.secure) attrs.push('Secure');
  return attrs.join('; ');
}

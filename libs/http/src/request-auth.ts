import {
  hasScope,
  readSessionCookie,
  resolveSession,
  verifyApiKey,
  type ApiKeyScope,
  type AuthUser,
} from '@fjord/auth';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';

export type RequestPrincipal =
  { user: AuthUser; via: 'api-key'; apiKeyId: string; scopes: string[] } | { user: AuthUser; via: 'session' };

function readBearer(req: Request): string | undefined {
  const header = req.headers.get('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** A Bearer API key when one is sent (a bad key is never silently replaced by the cookie), else the session. */
export async function authenticateRequest(
  req: Request,
  db: DbClient,
  opts: { allowSession: boolean },
): Promise<RequestPrincipal | null> {
  const bearer = readBearer(req);
  if (bearer || req.headers.has('authorization')) {
    const verified = bearer ? await verifyApiKey(db, bearer) : null;
    return verified
      ? { user: verified.user, via: 'api-key', apiKeyId: verified.apiKey.id, scopes: verified.apiKey.scopes }
      : null;
  }
  if (!opts.allowSession) return null;
  const session = await resolveSession(db, readSessionCookie(req.headers.get('cookie')));
  return session ? { user: session.user, via: 'session' } : null;
}

/**
 * Whose objects this request may reach. An API key acts as its owner with its scopes, an admin's too:
 * there is no admin scope, and admin powers (other people's media) live in the admin console, behind a
 * session. A session keeps its role, for the pages and /files the console shows.
 */
export function viewerOf(principal: RequestPrincipal): Pick<AuthUser, 'id' | 'role'> {
  return principal.via === 'api-key' ? { id: principal.user.id, role: 'USER' } : principal.user;
}

export function assertScope(principal: RequestPrincipal, scope: ApiKeyScope): void {
  if (principal.via === 'api-key' && !hasScope({ scopes: principal.scopes }, scope)) {
    throw new AppError('forbidden', `This API key lacks the "${scope}" scope.`);
  }
}

/**
 * The session or API key behind a request that may do `scope`, or an AppError: unauthorized ("Sign in or send
 * an API key to <to>."), forbidden for a key without the scope, and — with `origin` (writes) — forbidden for a
 * session's cross-origin request (CSRF; a HEAD changes nothing, and browsers send no Origin on one).
 */
export async function authorizeRequest(
  req: Request,
  db: DbClient,
  opts: { scope: ApiKeyScope; to: string; origin?: OriginPolicy },
): Promise<RequestPrincipal> {
  const principal = await authenticateRequest(req, db, { allowSession: true });
  if (!principal) throw new AppError('unauthorized', `Sign in or send an API key to ${opts.to}.`);
  if (
    opts.origin &&
    principal.via === 'session' &&
    req.method !== 'HEAD' &&
    !isSameOrigin(req, opts.origin)
  ) {
    throw new AppError('forbidden', 'Cross-origin uploads are not allowed.');
  }
  assertScope(principal, opts.scope);
  return principal;
}

/** What decides which host a request reached: a proxy we were told about, else the request itself. */
export type OriginPolicy = Pick<Config, 'TRUST_PROXY' | 'FJORD_PUBLIC_URL'>;

/** The host the trusted proxy wrote: its own value is the last one (anything before it came from the client). */
function forwardedHost(req: Request, policy: OriginPolicy): string | undefined {
  if (!policy.TRUST_PROXY) return undefined;
  const hops = req.headers.get('x-forwarded-host')?.split(',');
  return hops?.at(-1)?.trim() || undefined;
}

/**
 * The one CSRF origin check (tRPC POSTs, /api/uploads, tus): an `Origin` must be FJORD_PUBLIC_URL's or
 * name the host the request reached, and a request that carries cookies must send one. Browsers send
 * Origin on every POST, PATCH and DELETE, same-origin ones included, so only a client that is not a
 * browser page (and has no cookies to abuse) gets through without it. X-Forwarded-Host counts only with
 * TRUST_PROXY: without a proxy it is whatever the client typed, and a page could echo its own origin
 * in it. Callers exempt only what changes nothing (tus HEAD).
 */
export function isSameOrigin(req: Request, policy: OriginPolicy): boolean {
  const origin = req.headers.get('origin');
  if (!origin) return !req.headers.has('cookie');
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin === new URL(policy.FJORD_PUBLIC_URL).origin) return true;
  return url.host === (forwardedHost(req, policy) ?? req.headers.get('host') ?? new URL(req.url).host);
}

import { randomUUID } from 'node:crypto';
import { readSessionCookie, resolveSession, serializeSessionCookie, type AuthUser } from '@fjord/auth';
import { appErrorOf, applyAppErrorHeaders, toTRPCError } from './app-error.mapper';
import { clientIpOf } from './auth/client-ip';
import type { ApiServices } from './services';

export type ApiContext = {
  services: ApiServices;
  req: Request;
  resHeaders: Headers;
  user: AuthUser | null;
  sessionToken: string | undefined;
  /** The id of the session behind `user` (what signOutEverywhere and changePassword keep or drop). */
  sessionId: string | undefined;
  /** Throttle subject of the client (auth/client-ip.ts): never a header the client alone controls. */
  clientIp: string;
  requestId: string;
};

/** Per request: resolves the session cookie (renewing it when the sliding expiry moved). */
export async function createContext(opts: {
  req: Request;
  resHeaders: Headers;
  services: ApiServices;
}): Promise<ApiContext> {
  const { req, resHeaders, services } = opts;
  const sessionToken = readSessionCookie(req.headers.get('cookie'));
  const session = sessionToken
    ? await resolveSessionOrUnavailable(services.db, sessionToken, resHeaders)
    : null;
  if (session?.isRenewed && sessionToken) {
    resHeaders.append(
      'Set-Cookie',
      serializeSessionCookie(sessionToken, {
        expiresAt: session.expiresAt,
        secure: services.config.cookieSecure,
      }),
    );
  }
  const incomingId = req.headers.get('x-request-id');
  const requestId = incomingId && /^[\w.-]{1,100}$/.test(incomingId) ? incomingId : randomUUID();
  return {
    services,
    req,
    resHeaders,
    user: session?.user ?? null,
    sessionToken: session ? sessionToken : undefined,
    sessionId: session?.sessionId,
    clientIp: clientIpOf(req.headers),
    requestId,
  };
}

/** The session lookup runs before any procedure: Postgres away answers 503 + Retry-After here too. */
async function resolveSessionOrUnavailable(
  db: ApiServices['db'],
  token: string,
  resHeaders: Headers,
): ReturnType<typeof resolveSession> {
  try {
    return await resolveSession(db, token);
  } catch (err) {
    const appError = appErrorOf(err);
    if (!appError) throw err;
    applyAppErrorHeaders(appError, resHeaders);
    throw toTRPCError(appError);
  }
}

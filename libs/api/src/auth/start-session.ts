import { createSession, serializeSessionCookie } from '@fjord/auth';
import type { ApiContext } from '../context';

/** Creates a session for `userId` and sets its cookie on the response. */
export async function startSession(ctx: ApiContext, userId: string): Promise<void> {
  const { token, expiresAt } = await createSession(ctx.services.db, {
    userId,
    userAgent: ctx.req.headers.get('user-agent'),
  });
  ctx.resHeaders.append(
    'Set-Cookie',
    serializeSessionCookie(token, { expiresAt, secure: ctx.services.config.cookieSecure }),
  );
}

import { createFilesHandler } from '@fjord/http';
import { getServices } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ mediaId: string; name: string }> };

let handler: ReturnType<typeof createFilesHandler> | undefined;
function getHandler() {
  handler ??= createFilesHandler(getServices());
  return handler;
}

export const GET = withTransportSecurity(async (req: Request, ctx: Ctx): Promise<Response> => {
  return getHandler()(req, await ctx.params);
});

export const HEAD = withTransportSecurity(async (req: Request, ctx: Ctx): Promise<Response> => {
  return getHandler()(req, await ctx.params);
});

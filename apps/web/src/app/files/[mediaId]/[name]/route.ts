import { createFilesHandler } from '@/server/handlers/files.handler';
import { getServices } from '@/server/services';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ mediaId: string; name: string }> };

let handler: ReturnType<typeof createFilesHandler> | undefined;
function getHandler() {
  handler ??= createFilesHandler(getServices());
  return handler;
}

export async function GET(req: Request, ctx: Ctx): Promise<Response> {
  return getHandler()(req, await ctx.params);
}

export async function HEAD(req: Request, ctx: Ctx): Promise<Response> {
  return getHandler()(req, await ctx.params);
}

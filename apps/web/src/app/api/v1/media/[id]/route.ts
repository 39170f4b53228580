import { getRestHandlers } from '@/server/rest-handlers';
import { getServices } from '@/server/services';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await ctx.params;
  return getRestHandlers(getServices()).getMedia(req, id);
}

export async function DELETE(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await ctx.params;
  return getRestHandlers(getServices()).deleteMedia(req, id);
}

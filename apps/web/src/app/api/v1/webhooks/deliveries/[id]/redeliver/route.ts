import { getRestHandlers } from '@/server/rest-handlers';
import { getServices } from '@/server/services';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return getRestHandlers(getServices()).webhooks.redeliver(req, (await ctx.params).id);
}

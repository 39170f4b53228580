import { getRestHandlers } from '@fjord/http';
import { getServices } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

export const POST = withTransportSecurity(
  async (req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> => {
    return getRestHandlers(getServices()).webhooks.redeliver(req, (await ctx.params).id);
  },
);

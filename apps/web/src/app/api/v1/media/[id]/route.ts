import { getRestHandlers } from '@fjord/http';
import { getServices } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

export const GET = withTransportSecurity(
  async (req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> => {
    const { id } = await ctx.params;
    return getRestHandlers(getServices()).getMedia(req, id);
  },
);

export const DELETE = withTransportSecurity(
  async (req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> => {
    const { id } = await ctx.params;
    return getRestHandlers(getServices()).deleteMedia(req, id);
  },
);

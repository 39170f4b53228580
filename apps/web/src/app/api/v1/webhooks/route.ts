import { getRestHandlers } from '@fjord/http';
import { getServices } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

export const GET = withTransportSecurity(async (req: Request): Promise<Response> => {
  return getRestHandlers(getServices()).webhooks.listWebhooks(req);
});

export const POST = withTransportSecurity(async (req: Request): Promise<Response> => {
  return getRestHandlers(getServices()).webhooks.createWebhook(req);
});

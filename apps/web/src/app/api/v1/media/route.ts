import { getRestHandlers } from '@fjord/http';
import { getServices } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

export const GET = withTransportSecurity(async (req: Request): Promise<Response> => {
  return getRestHandlers(getServices()).listMedia(req);
});

export const POST = withTransportSecurity(async (req: Request): Promise<Response> => {
  return getRestHandlers(getServices()).createMedia(req);
});

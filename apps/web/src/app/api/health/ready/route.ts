import { createHealthHandlers } from '@fjord/http';
import { getServices } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

export const GET = withTransportSecurity((): Promise<Response> => {
  return createHealthHandlers(getServices()).ready();
});

import { createHealthHandlers } from '@/server/handlers/health.handler';
import { getServices } from '@/server/services';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

export const GET = withTransportSecurity((): Promise<Response> => {
  return createHealthHandlers(getServices()).ready();
});

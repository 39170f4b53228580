import { healthLive } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

/** The process answers; deliberately touches no dependency (that is /api/health/ready), so no route(). */
export const GET = withTransportSecurity(healthLive);

import { healthLive } from '@/server/handlers/health.handler';
import { withTransportSecurity } from '@/server/security/strict-transport-security';
export const dynamic = 'force-dynamic';

/** The process answers; deliberately touches no dependency (that is /api/health/ready). */
export const GET = withTransportSecurity((): Response => healthLive());

import { createHealthHandlers } from '@/server/handlers/health.handler';
import { getServices } from '@/server/services';

export const dynamic = 'force-dynamic';

export function GET(): Promise<Response> {
  return createHealthHandlers(getServices()).ready();
}

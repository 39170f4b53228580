import { createStreamUploadHandler } from '@fjord/http';
import { getServices } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

/** Streaming upload for the browser (session) and services (API key): the raw file is the body. */
export const POST = withTransportSecurity(async (req: Request): Promise<Response> => {
  return createStreamUploadHandler(getServices())(req);
});

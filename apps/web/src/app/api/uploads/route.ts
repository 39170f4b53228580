import { createStreamUploadHandler } from '@/server/handlers/stream-upload.handler';
import { getServices } from '@/server/services';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

/** Streaming upload for the browser (session) and services (API key): the raw file is the body. */
export const POST = withTransportSecurity(async (req: Request): Promise<Response> => {
  return createStreamUploadHandler(getServices())(req);
});

import { createStreamUploadHandler } from '@/server/handlers/stream-upload.handler';
import { getServices } from '@/server/services';

export const dynamic = 'force-dynamic';

/** Streaming upload for the browser (session) and services (API key): the raw file is the body. */
export async function POST(req: Request): Promise<Response> {
  return createStreamUploadHandler(getServices())(req);
}

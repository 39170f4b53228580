import { createTusUploadServer } from '@/server/tus/tus-upload.server';
import { getServices } from '@/server/services';

export const dynamic = 'force-dynamic';

let tus: ReturnType<typeof createTusUploadServer> | undefined;
function handle(req: Request): Promise<Response> {
  tus ??= createTusUploadServer(getServices());
  return tus.handle(req);
}

// No GET: tus would serve the partial file back; nobody needs that.
export const HEAD = handle;
export const POST = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;

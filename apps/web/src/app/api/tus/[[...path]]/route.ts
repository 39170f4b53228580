import { createTusUploadServer } from '@fjord/http';
import { getServices } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

let tus: ReturnType<typeof createTusUploadServer> | undefined;
function handle(req: Request): Promise<Response> {
  tus ??= createTusUploadServer(getServices());
  return tus.handle(req);
}

// No GET: tus would serve the partial file back; nobody needs that.
const secured = withTransportSecurity(handle);
export const HEAD = secured;
export const POST = secured;
export const PATCH = secured;
export const DELETE = secured;
export const OPTIONS = secured;

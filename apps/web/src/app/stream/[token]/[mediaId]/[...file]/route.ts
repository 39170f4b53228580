import type { StreamParams } from '@fjord/http';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route<StreamParams>((http, req, params) => http.stream(req, params));
export { GET as HEAD };

import type { ImageParams } from '@fjord/http';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route<ImageParams>((http, req, params) => http.images(req, params));
export { GET as HEAD };

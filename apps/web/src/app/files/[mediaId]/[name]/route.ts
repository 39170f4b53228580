import type { FileParams } from '@fjord/http';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route<FileParams>((http, req, params) => http.files(req, params));
export { GET as HEAD };

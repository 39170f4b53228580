import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

// No GET: tus would serve the partial file back; nobody needs that.
export const POST = route((http, req) => http.tus(req));
export { POST as HEAD, POST as PATCH, POST as DELETE, POST as OPTIONS };

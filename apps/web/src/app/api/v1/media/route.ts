import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route((http, req) => http.rest.listMedia(req));
export const POST = route((http, req) => http.rest.createMedia(req));

import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Streaming upload for the browser (session) and services (API key): the raw file is the body. */
export const POST = route((http, req) => http.upload(req));

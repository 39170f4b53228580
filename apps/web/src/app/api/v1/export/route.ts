import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route((http, req) => http.exportAccount(req));

import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route((http, req) => http.trpc(req));
export { GET as POST };

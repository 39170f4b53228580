import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>((http, req, { id }) => http.rest.imageUrl(req, id));

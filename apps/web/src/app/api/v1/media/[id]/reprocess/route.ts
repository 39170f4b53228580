import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>((http, req, { id }) => http.rest.reprocessMedia(req, id));

import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>((http, req, { id }) => http.rest.getMedia(req, id));
export const DELETE = route<{ id: string }>((http, req, { id }) => http.rest.deleteMedia(req, id));

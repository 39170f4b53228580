import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>((http, req, { id }) => http.rest.captions.listCaptions(req, id));
export const POST = route<{ id: string }>((http, req, { id }) => http.rest.captions.uploadCaption(req, id));

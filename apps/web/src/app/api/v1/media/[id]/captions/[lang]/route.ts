import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string; lang: string }>((http, req, { id, lang }) =>
  http.rest.captions.deleteCaption(req, id, lang),
);

import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string }>((http, req, { id }) => http.rest.webhooks.deleteWebhook(req, id));

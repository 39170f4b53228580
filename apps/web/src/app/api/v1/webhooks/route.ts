import { getRestHandlers } from '@/server/rest-handlers';
import { getServices } from '@/server/services';

export const dynamic = 'force-dynamic';

export async function GET(req: Request): Promise<Response> {
  return getRestHandlers(getServices()).webhooks.listWebhooks(req);
}

export async function POST(req: Request): Promise<Response> {
  return getRestHandlers(getServices()).webhooks.createWebhook(req);
}

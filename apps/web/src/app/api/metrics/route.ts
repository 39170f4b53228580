import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Prometheus exposition, behind METRICS_TOKEN (404 when unset: not public). */
export const GET = route((http, req) => http.metrics(req));

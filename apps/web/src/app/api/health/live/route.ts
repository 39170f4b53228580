export const dynamic = 'force-dynamic';

/** The process answers; deliberately touches no dependency (that is /api/health/ready). */
export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}

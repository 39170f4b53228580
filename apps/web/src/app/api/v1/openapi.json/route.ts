import { buildOpenApiDocument } from '@fjord/api';
import { getConfig } from '@fjord/config';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

/** The OpenAPI 3.1 document, public like any API reference; built from the handlers' zod schemas. */
export const GET = withTransportSecurity(async (): Promise<Response> => {
  const doc = buildOpenApiDocument({ serverUrl: getConfig().FJORD_PUBLIC_URL });
  return Response.json(doc, { headers: { 'Cache-Control': 'public, max-age=300' } });
});

import { buildOpenApiDocument } from '@fjord/api';
import { getConfig } from '@fjord/config';
import type { Metadata } from 'next';
import { ApiReference } from '@/components/api-reference';
import { WebhookVerification } from '@/components/webhook-verification';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'API reference' };

export default function ApiReferencePage() {
  const doc = buildOpenApiDocument({ serverUrl: getConfig().FJORD_PUBLIC_URL });
  const info = doc.info as { title: string; version: string; description: string };
  return (
    <section>
      <div className="page-head">
        <h1>
          {info.title} <span className="muted">v{info.version}</span>
        </h1>
      </div>
      <p>{info.description}</p>
      <p>
        Authenticate with <code>Authorization: Bearer &lt;API key&gt;</code> (create one under{' '}
        <a href="/settings/api-keys">API keys</a>). Machine-readable:{' '}
        <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
      </p>
      <ApiReference doc={doc} />
      <WebhookVerification />
    </section>
  );
}

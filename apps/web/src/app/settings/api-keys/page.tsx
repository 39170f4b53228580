import type { Metadata } from 'next';
import { ApiKeysManager } from '@/components/api-keys-manager';
import { requireUser } from '@/server/current-user';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysPage() {
  await requireUser('/settings/api-keys');
  return (
    <section>
      <h1>API keys</h1>
      <p className="muted">
        Keys let your services call the <a href="/docs/api">REST API</a>. A key is shown once when you create
        it; Fjord keeps only a hash. Revoking a key stops it at once.
      </p>
      <ApiKeysManager />
    </section>
  );
}

import type { Metadata } from 'next';
import { WebhooksManager } from '@/components/webhooks-manager';
import { requireUser } from '@/server/current-user';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage() {
  await requireUser('/settings/webhooks');
  return (
    <section>
      <h1>Webhooks</h1>
      <p className="muted">
        Fjord POSTs a signed JSON event to your endpoint when an upload is ready or has failed, and retries
        with backoff for about a day. Verify <code>Fjord-Signature</code> as shown in the{' '}
        <a href="/docs/api">API reference</a>.
      </p>
      <WebhooksManager />
    </section>
  );
}

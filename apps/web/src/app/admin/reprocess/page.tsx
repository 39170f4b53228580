import type { Metadata } from 'next';
import { getServices } from '@fjord/http';
import { BulkReprocessPanel } from '@/components/admin/bulk-reprocess-panel';

// Presets come from the running config, never from the build.
export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Bulk reprocess' };

export default function AdminReprocessPage() {
  const presets = Object.entries(getServices().config.imagePresets).map(([name, options]) => ({
    name,
    options,
  }));
  return (
    <section>
      <h1>Bulk reprocess by preset</h1>
      <p className="muted">
        After a preset changed: every READY image runs its whole image flow again, at a bounded rate and
        behind everyone&apos;s uploads. One run per preset at a time.
      </p>
      <BulkReprocessPanel presets={presets} />
    </section>
  );
}

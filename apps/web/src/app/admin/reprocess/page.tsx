import type { Metadata } from 'next';
import { getServices } from '@fjord/http';
import { BulkReprocessPanel } from '@/components/admin/bulk-reprocess-panel';

// Presets come from the running config, never from the build.
export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Bulk reprocess' };

export default function AdminReprocessPage() {
  const { config } = getServices();
  const presets = Object.entries(config.imagePresets).map(([name, options]) => ({
    name,
    options,
    isEager: config.IMAGE_EAGER_PRESETS.includes(name),
  }));
  return (
    <section>
      <h1>Bulk reprocess by preset</h1>
      <p className="muted">
        After a preset changed: every READY image runs its whole image flow again, at a bounded rate and
        behind everyone&apos;s uploads. For an eager preset (IMAGE_EAGER_PRESETS), &ldquo;eager renders
        only&rdquo; re-renders just that preset into the image cache, one job per image. One run at a time.
      </p>
      <BulkReprocessPanel presets={presets} />
    </section>
  );
}

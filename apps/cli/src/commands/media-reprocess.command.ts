import { parseArgs } from 'node:util';
import { getConfig } from '@fjord/config';
import {
  acquireBulkReprocessLease,
  createMediaReprocessing,
  formatBulkReprocessPreview,
  previewBulkPresetRender,
  previewBulkReprocess,
  runBulkPresetRender,
  runBulkReprocess,
} from '@fjord/ingest';
import { createMediaFlowEnqueuer, createQueues } from '@fjord/queue';
import { requireOption, UsageError, withDb } from '../cli-context';

export const mediaReprocessHelp = `fjord media reprocess --preset <name> (--dry-run | --yes) [--eager-only] [--rate N] [--before <ISO time>]
  After a preset changed: reprocesses every READY image (the whole image flow) at most N a second
  (default 5), each at its owner's fair-share priority. --dry-run prints "N images, ~X CPU-minutes"
  (measured from recent image jobs) and changes nothing. One run per preset at a time (here or in the
  console): a second is refused. A run that was cut off resumes with the --before it printed
  (docs/adr/0027). --eager-only, for a preset in IMAGE_EAGER_PRESETS: only re-renders that preset
  into the /img cache (one job per image; renditions and runs unchanged); starting it again renders
  only what is missing.`;

export async function runMediaReprocess(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      preset: { type: 'string' },
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean' },
      'eager-only': { type: 'boolean' },
      rate: { type: 'string' },
      before: { type: 'string' },
    },
    strict: true,
  });
  const preset = requireOption(values, 'preset');
  const rate = values.rate === undefined ? 5 : Number(values.rate);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1000) {
    throw new UsageError('--rate takes a number of media per second, above 0 and at most 1000.');
  }
  const before = values.before === undefined ? new Date() : new Date(values.before);
  if (Number.isNaN(before.getTime())) {
    throw new UsageError(`--before ${values.before} is not a time: use ISO 8601, e.g. 2026-12-02T12:00:00Z.`);
  }
  const config = getConfig();
  const queues = createQueues(config);
  const enqueuer = createMediaFlowEnqueuer({ config, queues });
  try {
    await withDb(async (db) => {
      const presets = config.imagePresets;
      if (values['eager-only']) {
        const deps = { db, queues, presets, eagerPresets: config.IMAGE_EAGER_PRESETS, config };
        const preview = await previewBulkPresetRender(deps, { preset, before });
        console.log(`Preset ${preset}, eager renders only: ${formatBulkReprocessPreview(preview)}.`);
        if (values['dry-run']) return;
        if (!values.yes) throw new UsageError('Add --yes to render them (or --dry-run to only look).');
        const lease = await acquireBulkReprocessLease({ queues, prefix: config.QUEUE_PREFIX }, preset);
        const result = await runBulkPresetRender({ ...deps, lease }, { preset, before, ratePerSecond: rate });
        console.log(`Queued ${result.queued} images for a render of preset ${preset} into the /img cache.`);
        return;
      }
      const preview = await previewBulkReprocess({ db, queues, presets }, { preset, before });
      console.log(`Preset ${preset}: ${formatBulkReprocessPreview(preview)}.`);
      if (values['dry-run']) return;
      if (!values.yes) throw new UsageError('Add --yes to reprocess them (or --dry-run to only look).');
      // Refused (exit 1) while another run goes, from here or from the console.
      const lease = await acquireBulkReprocessLease({ queues, prefix: config.QUEUE_PREFIX }, preset);
      const reprocessMedia = createMediaReprocessing({ db, queues, enqueuer });
      console.log(`Reprocessing at most ${rate} a second; to resume: --before ${before.toISOString()}`);
      const result = await runBulkReprocess(
        { db, queues, presets, reprocessMedia, lease },
        { preset, before, ratePerSecond: rate },
      );
      console.log(`Queued ${result.queued} images for reprocessing; ${result.skipped} skipped (in flight).`);
    });
  } finally {
    await enqueuer.close();
    await queues.close();
  }
}

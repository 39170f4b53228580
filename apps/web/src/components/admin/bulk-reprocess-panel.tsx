'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '@/trpc/react';
import { formatDate } from '../format';
import { ConfirmButton } from './confirm-button';
import { ActionMessage, useAdminActionFeedback } from './use-admin-action';

/** A preset's bulk reprocess (docs/adr/0027): the measured preview, then the run, confirmed. */
export function BulkReprocessPanel({
  presets,
}: {
  presets: { name: string; options: string; isEager: boolean }[];
}) {
  const trpc = useTRPC();
  const feedback = useAdminActionFeedback();
  const [preset, setPreset] = useState(presets[0]?.name ?? '');
  const [eagerOnly, setEagerOnly] = useState(false);
  const isEager = presets.find((o) => o.name === preset)?.isEager ?? false;
  // Only an eager preset has cache renders to bring up to date on their own.
  const mode = isEager && eagerOnly ? 'eager' : 'flows';
  const preview = useQuery(
    trpc.admin.reprocessPreview.queryOptions({ preset, mode }, { enabled: preset !== '' }),
  );
  const start = useMutation(
    trpc.admin.bulkReprocess.mutationOptions({
      onError: feedback.onError,
      onSuccess: (r) =>
        feedback.onSuccess(
          `Started: ${r.images} image${r.images === 1 ? '' : 's'} to queue, ${r.ratePerSecond} a second; the audit log records its end.`,
        ),
    }),
  );
  const p = preview.data;

  return (
    <>
      <div className="toolbar">
        <label>
          Preset{' '}
          <select value={preset} onChange={(e) => setPreset(e.target.value)}>
            {presets.map((o) => (
              <option key={o.name} value={o.name}>
                {o.name} ({o.options})
              </option>
            ))}
          </select>
        </label>
        {isEager && (
          <label>
            <input type="checkbox" checked={eagerOnly} onChange={(e) => setEagerOnly(e.target.checked)} />{' '}
            Eager renders only (the image cache, no flows)
          </label>
        )}
      </div>
      {preview.error && <p className="alert alert--error">{preview.error.message}</p>}
      {p && (
        <>
          <dl className="facts" aria-label="Preview">
            <dt>Images</dt>
            <dd data-testid="preview-images">{p.images}</dd>
            <dt>Jobs</dt>
            <dd data-testid="preview-jobs">{p.images * p.jobsPerImage}</dd>
            <dt>Megapixels</dt>
            <dd>{p.megapixels.toFixed(1)} MP</dd>
            <dt>Estimated cost</dt>
            <dd data-testid="preview-cost">
              {p.cpuMinutes === null
                ? 'cost unknown: no finished image job to measure from yet'
                : `${p.cpuMinutes < 0.1 ? '< 0.1' : `~${p.cpuMinutes.toFixed(1)}`} CPU-minutes`}
            </dd>
            <dt>Images finished before</dt>
            <dd>{formatDate(p.before)}</dd>
          </dl>
          <div className="actions">
            <ConfirmButton
              label="Start reprocess"
              question={
                p.mode === 'eager'
                  ? `Render preset ${p.preset} of ${p.images} images into the image cache (${p.images} jobs)?`
                  : `Reprocess ${p.images} images (${p.images * p.jobsPerImage} jobs) for preset ${p.preset}?`
              }
              isPending={start.isPending}
              onConfirm={() => start.mutate({ preset: p.preset, before: p.before, mode: p.mode })}
            />
            <Link href="/admin/audit">Audit log</Link>
          </div>
        </>
      )}
      <ActionMessage message={feedback.message} />
    </>
  );
}

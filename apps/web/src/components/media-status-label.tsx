import type { MediaStatus } from '@fjord/db';

export type StatusView = {
  status: MediaStatus;
  progress?: { done: number; total: number };
  /** Video: one live percentage per output (ffmpeg progress). */
  variants?: { name: string; percent: number; state: string }[];
  error?: string | null;
};

const LABELS: Record<MediaStatus, string> = {
  UPLOADED: 'Uploaded',
  QUEUED: 'Queued',
  PROCESSING: 'Processing',
  READY: 'Ready',
  FAILED: 'Failed',
};

/** Text first (screen readers, no colour needed); the badge colour only repeats it. */
export function MediaStatusLabel({ view }: { view: StatusView }) {
  const { status, progress, error, variants } = view;
  const showProgress = status === 'PROCESSING' && progress && progress.total > 0;
  return (
    <span className={`status status--${status.toLowerCase()}`}>
      <span className="status__badge">{LABELS[status]}</span>
      {showProgress && (
        <>
          <span className="status__detail">
            {progress.done} of {progress.total}
          </span>
          <progress max={progress.total} value={progress.done} aria-label="Processing progress" />
        </>
      )}
      {status === 'PROCESSING' && variants && variants.length > 0 && (
        <span className="variant-progress" role="list" aria-label="Progress per rendition">
          {variants.map((v) => (
            <span key={v.name} role="listitem">
              <span>{v.name}</span>
              <progress max={100} value={v.percent} aria-label={`${v.name} progress`} />
              <span className="status__detail">{v.state === 'failed' ? 'failed' : `${v.percent}%`}</span>
            </span>
          ))}
        </span>
      )}
      {status === 'FAILED' && error && <span className="status__detail">{error}</span>}
    </span>
  );
}

import type { RenditionDto } from '@fjord/api';

// The download MP4 (remuxed from the ladder's top rung), then the per-rung MP4s of media made before it.
const LADDER = ['mp4', 'v1080-mp4', 'v720-mp4', 'v360-mp4'];

/** The best MP4 rendition with the poster; seeking uses Range requests on /files. */
export function MediaVideo({ renditions, title }: { renditions: RenditionDto[]; title: string }) {
  const best = LADDER.map((name) => renditions.find((r) => r.name === name)).find(Boolean);
  const poster = renditions.find((r) => r.name === 'poster-jpg');
  if (!best) return null;
  return (
    <video
      className="media-video"
      controls
      preload="metadata"
      playsInline
      poster={poster?.url}
      width={best.width}
      height={best.height}
      aria-label={title}
    >
      <source src={best.url} type="video/mp4" />
    </video>
  );
}

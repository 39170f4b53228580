'use client';

import type { MediaDto, MediaPlaceholder, MediaStatusSnapshot, RenditionDto } from '@fjord/api';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useTRPC } from '@/trpc/react';
import { DeleteMediaButton } from './delete-media-button';
import { formatBitrate, formatBytes, formatDuration } from './format';
import { MediaStatusLabel } from './media-status-label';
import { MediaStatusLive } from './media-status-live';
import { MediaCaptions } from './media-captions';
import { MediaVideo } from './media-video';
import { PlaceholderImage } from './placeholder-image';
import { VideoPlayer } from './player/video-player';

/** The adaptive player when the media has a stream (with its caption tracks), else the progressive MP4. */
function MediaPlayback({ media, renditions }: { media: MediaDto; renditions: RenditionDto[] }) {
  const trpc = useTRPC();
  const hlsUrl = media.hlsUrl;
  const captions = useQuery({ ...trpc.captions.list.queryOptions({ id: media.id }), enabled: !!hlsUrl });
  if (!hlsUrl) return <MediaVideo renditions={renditions} title={media.originalName} />;
  const byName = (name: string) => renditions.find((r) => r.name === name)?.url ?? null;
  return (
    <VideoPlayer
      title={media.originalName}
      hlsUrl={hlsUrl}
      mp4Url={byName('mp4') ?? byName('v1080-mp4') ?? byName('v720-mp4') ?? byName('v360-mp4')}
      posterUrl={byName('poster-jpg')}
      storyboardVttUrl={byName('storyboard-vtt')}
      captions={captions.data}
    />
  );
}

function MediaPicture({
  renditions,
  alt,
  placeholder,
}: {
  renditions: RenditionDto[];
  alt: string;
  placeholder: MediaPlaceholder | null;
}) {
  const byName = (name: string) => renditions.find((r) => r.name === name);
  // A long animated GIF's MP4 (ADR 0023): played like the GIF, at a fraction of the animated WebP's bytes.
  const anim = byName('anim-mp4');
  if (anim) {
    return (
      <video
        className="media-picture"
        src={anim.url}
        width={anim.width}
        height={anim.height}
        muted
        loop
        autoPlay
        playsInline
        aria-label={alt}
        // React leaves `muted` out of the server HTML, and browsers autoplay only a muted video.
        ref={(el) => {
          if (!el) return;
          el.muted = true;
          void el.play().catch(() => undefined);
        }}
      />
    );
  }
  const avif = byName('w1280-avif') ?? renditions.find((r) => r.format === 'avif');
  const webp = byName('w1280-webp') ?? renditions.find((r) => r.format === 'webp');
  const fallback = webp ?? renditions[0];
  if (!fallback) return null;
  return (
    <picture className="media-picture">
      {avif && <source srcSet={avif.url} type="image/avif" />}
      {webp && <source srcSet={webp.url} type="image/webp" />}
      {/* A plain img: private files behind our own auth, nothing for an image optimiser to do. */}
      <PlaceholderImage
        src={fallback.url}
        alt={alt}
        width={fallback.width}
        height={fallback.height}
        placeholder={placeholder}
      />
    </picture>
  );
}

function RenditionTable({ renditions }: { renditions: RenditionDto[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>Renditions</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Format</th>
            <th scope="col">Dimensions</th>
            <th scope="col">Size</th>
            <th scope="col">Bitrate</th>
            <th scope="col">
              <span className="visually-hidden">Download</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {renditions.map((r) => (
            <tr key={r.name}>
              <td>{r.name}</td>
              <td>{r.format.toUpperCase()}</td>
              <td>
                {r.width} × {r.height}
              </td>
              <td>{formatBytes(r.bytes)}</td>
              <td>{r.bitrate ? formatBitrate(r.bitrate) : '—'}</td>
              <td>
                <a href={r.url} download={`${r.name}.${r.format}`}>
                  Download<span className="visually-hidden"> {r.name}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MediaDetail({ media }: { media: MediaDto }) {
  const [live, setLive] = useState<MediaStatusSnapshot | null>(null);
  const onSnapshot = useCallback((s: MediaStatusSnapshot) => setLive(s), []);
  const status = live?.status ?? media.status;
  const renditions = live?.renditions ?? media.renditions;
  const isFinal = media.status === 'READY' || media.status === 'FAILED';

  return (
    <>
      <p className="media-status-line">
        Status:{' '}
        {isFinal ? (
          <MediaStatusLabel view={{ status: media.status, error: media.error }} />
        ) : (
          <MediaStatusLive mediaId={media.id} initial={{ status: media.status }} onSnapshot={onSnapshot} />
        )}
      </p>
      {status === 'READY' && renditions.length > 0 && (
        <>
          {media.kind === 'VIDEO' ? (
            <MediaPlayback media={media} renditions={renditions} />
          ) : (
            <MediaPicture renditions={renditions} alt={media.originalName} placeholder={media.placeholder} />
          )}
          <RenditionTable renditions={renditions} />
        </>
      )}
      {media.kind === 'VIDEO' && <MediaCaptions mediaId={media.id} />}
      {media.kind === 'VIDEO' && media.durationMs && (
        <p className="muted">
          {formatDuration(media.durationMs)} · {media.videoCodec?.toUpperCase()}
          {media.audioCodec ? ` / ${media.audioCodec.toUpperCase()}` : ''}
          {media.bitrate ? ` · ${formatBitrate(media.bitrate)}` : ''}
          {media.rotation ? ` · rotated ${media.rotation}°` : ''}
        </p>
      )}
      <p>
        <a href={media.originalUrl}>Download the original</a> ({formatBytes(media.sizeBytes)},{' '}
        {media.mimeType})
      </p>
      <DeleteMediaButton mediaId={media.id} name={media.originalName} />
    </>
  );
}

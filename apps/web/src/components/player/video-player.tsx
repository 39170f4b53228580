'use client';

import type Hls from 'hls.js';
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { parseStoryboardVtt, storyboardTileAt, type StoryboardTile } from './storyboard-vtt';

export type VideoPlayerProps = {
  title: string;
  /** HLS master playlist; null plays `mp4Url` (progressive). */
  hlsUrl: string | null;
  mp4Url: string | null;
  posterUrl?: string | null;
  /** Thumbnail WebVTT (`#xywh=` cues) shown above the scrub bar on hover. */
  storyboardVttUrl?: string | null;
  captions?: { lang: string; label: string; url: string }[];
};

type Level = { index: number; height: number; bitrate: number };
const AUTO = -1;

/**
 * hls.js (bundled by Next, served by Fjord: no CDN), Safari's native HLS where the browser has it, the MP4
 * otherwise. Quality and captions menus; storyboard thumbnails on hovering the scrub bar.
 */
export function VideoPlayer(props: VideoPlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const [levels, setLevels] = useState<Level[]>([]);
  const [level, setLevel] = useState(AUTO);
  const [tracks, setTracks] = useState<{ index: number; label: string }[]>([]);
  const [track, setTrack] = useState(-1);
  const [tiles, setTiles] = useState<StoryboardTile[]>([]);
  const [hover, setHover] = useState<{ left: number; tile: StoryboardTile } | null>(null);
  const [time, setTime] = useState({ current: 0, duration: 0 });
  const [engine, setEngine] = useState<'hls.js' | 'native' | 'mp4'>('mp4');

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let isCancelled = false;
    // hls.js first wherever MediaSource works: it alone gives the quality menu its levels (Chromium now
    // also answers canPlayType for HLS, with no level control). Native HLS (iOS Safari) next, the MP4 last.
    if (props.hlsUrl) {
      const hlsUrl = props.hlsUrl;
      void import('hls.js').then(({ default: HlsClass }) => {
        if (isCancelled) return;
        if (!HlsClass.isSupported()) {
          const native = !!video.canPlayType('application/vnd.apple.mpegurl');
          setEngine(native ? 'native' : 'mp4');
          video.src = native ? hlsUrl : (props.mp4Url ?? '');
          return;
        }
        // Captions come as the element's own <track>s (the same files the master lists), so hls.js does
        // not add a second copy of each; Safari's native HLS reads them from the master instead.
        const hls = new HlsClass({ capLevelToPlayerSize: true, enableWebVTT: false });
        setEngine('hls.js');
        hlsRef.current = hls;
        hls.on(HlsClass.Events.MANIFEST_PARSED, () =>
          setLevels(hls.levels.map((l, index) => ({ index, height: l.height, bitrate: l.bitrate }))),
        );
        hls.on(HlsClass.Events.LEVEL_SWITCHED, (_e, data) =>
          video.setAttribute('data-level', String(data.level)),
        );
        hls.loadSource(hlsUrl);
        hls.attachMedia(video);
      });
    } else {
      video.src = props.mp4Url ?? '';
    }
    return () => {
      isCancelled = true;
      hlsRef.current?.destroy();
      hlsRef.current = null;
    };
  }, [props.hlsUrl, props.mp4Url]);

  useEffect(() => {
    const url = props.storyboardVttUrl;
    if (!url) return;
    const controller = new AbortController();
    fetch(url, { signal: controller.signal, credentials: 'same-origin' })
      .then((res) => (res.ok ? res.text() : ''))
      .then((text) => setTiles(parseStoryboardVtt(text, new URL(url, window.location.href).toString())))
      .catch(() => setTiles([]));
    return () => controller.abort();
  }, [props.storyboardVttUrl]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const list = video.textTracks;
    const refresh = () =>
      setTracks(
        Array.from(list)
          .map((t, index) => ({ index, label: t.label || t.language, kind: t.kind }))
          .filter((t) => t.kind === 'subtitles' || t.kind === 'captions'),
      );
    refresh();
    list.addEventListener('addtrack', refresh);
    list.addEventListener('removetrack', refresh);
    return () => {
      list.removeEventListener('addtrack', refresh);
      list.removeEventListener('removetrack', refresh);
    };
  }, []);

  const chooseLevel = (index: number) => {
    setLevel(index);
    if (hlsRef.current) hlsRef.current.currentLevel = index;
  };
  const chooseTrack = (index: number) => {
    setTrack(index);
    Array.from(videoRef.current?.textTracks ?? []).forEach((t, i) => {
      t.mode = i === index ? 'showing' : 'disabled';
    });
  };
  const timeAt = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (e.clientX - box.left) / box.width));
    return { fraction, left: e.clientX - box.left, seconds: fraction * (time.duration || 0) };
  };

  return (
    <div className="video-player">
      <video
        ref={videoRef}
        className="media-video"
        controls
        preload="metadata"
        playsInline
        poster={props.posterUrl ?? undefined}
        aria-label={props.title}
        onLoadedMetadata={(e) => setTime({ current: 0, duration: e.currentTarget.duration })}
        onTimeUpdate={(e) =>
          setTime({ current: e.currentTarget.currentTime, duration: e.currentTarget.duration })
        }
      >
        {engine !== 'native' &&
          props.captions?.map((c) => (
            <track key={c.lang} kind="subtitles" srcLang={c.lang} label={c.label} src={c.url} />
          ))}
      </video>
      <div
        className="video-scrub"
        role="slider"
        aria-label="Seek"
        aria-valuemin={0}
        aria-valuemax={Math.round(time.duration || 0)}
        aria-valuenow={Math.round(time.current)}
        tabIndex={0}
        onMouseMove={(e) => {
          const at = timeAt(e);
          const tile = storyboardTileAt(tiles, at.seconds);
          setHover(tile ? { left: at.left, tile } : null);
        }}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          if (videoRef.current && time.duration) videoRef.current.currentTime = timeAt(e).seconds;
        }}
      >
        <div
          className="video-scrub-done"
          style={{ width: `${(time.current / (time.duration || 1)) * 100}%` }}
        />
        {hover && (
          <div
            className="video-scrub-thumb"
            data-testid="storyboard-thumb"
            style={{
              left: Math.max(0, hover.left - hover.tile.w / 2),
              width: hover.tile.w,
              height: hover.tile.h,
              backgroundImage: `url("${hover.tile.url}")`,
              backgroundPosition: `-${hover.tile.x}px -${hover.tile.y}px`,
            }}
          />
        )}
      </div>
      <div className="video-menus">
        {levels.length > 1 && (
          <label>
            Quality{' '}
            <select value={level} onChange={(e) => chooseLevel(Number(e.target.value))} aria-label="Quality">
              <option value={AUTO}>Auto</option>
              {levels.map((l) => (
                <option key={l.index} value={l.index}>
                  {l.height}p ({Math.round(l.bitrate / 1000)} kb/s)
                </option>
              ))}
            </select>
          </label>
        )}
        {tracks.length > 0 && (
          <label>
            Captions{' '}
            <select value={track} onChange={(e) => chooseTrack(Number(e.target.value))} aria-label="Captions">
              <option value={-1}>Off</option>
              {tracks.map((t) => (
                <option key={t.index} value={t.index}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
    </div>
  );
}

'use client';

import Link from 'next/link';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { formatBytes } from './format';
import { MediaStatusLabel } from './media-status-label';
import { MediaStatusLive } from './media-status-live';
import {
  ACCEPTED_TYPES,
  checkFileBeforeUpload,
  isVideoFile,
  uploadResumable,
  uploadWithProgress,
  type UploadLimits,
} from './upload-client';

type Phase = 'invalid' | 'waiting' | 'uploading' | 'uploaded' | 'error';
type Item = {
  key: string;
  file: File;
  phase: Phase;
  loaded: number;
  message?: string;
  mediaId?: string;
  final?: { status: 'READY' | 'FAILED'; error?: string };
};

// Browsers allow ~6 connections per origin over HTTP/1.1: keep uploads and live streams under that.
const PARALLEL_UPLOADS = 2;
const LIVE_STREAMS = 3;

export function Uploader({ limits }: { limits: UploadLimits }) {
  const [items, setItems] = useState<Item[]>([]);
  const [isDragging, setIsDragging] = useState(false);
  const counter = useRef(0);

  const update = useCallback((key: string, patch: Partial<Item>) => {
    setItems((all) => all.map((it) => (it.key === key ? { ...it, ...patch } : it)));
  }, []);

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      const added = Array.from(files, (file): Item => {
        const problem = checkFileBeforeUpload(file, limits);
        counter.current += 1;
        return {
          key: `f${counter.current}`,
          file,
          phase: problem ? 'invalid' : 'waiting',
          loaded: 0,
          message: problem ?? undefined,
        };
      });
      setItems((all) => [...all, ...added]);
    },
    [limits],
  );

  // A small scheduler: start waiting files while fewer than PARALLEL_UPLOADS are in flight.
  useEffect(() => {
    const inFlight = items.filter((it) => it.phase === 'uploading').length;
    const next = items
      .filter((it) => it.phase === 'waiting')
      .slice(0, Math.max(0, PARALLEL_UPLOADS - inFlight));
    for (const item of next) {
      update(item.key, { phase: 'uploading' });
      const send = isVideoFile(item.file) ? uploadResumable : uploadWithProgress;
      send(item.file, (loaded) => update(item.key, { loaded }))
        .then((res) => update(item.key, { phase: 'uploaded', loaded: item.file.size, mediaId: res.id }))
        .catch((err: Error) => update(item.key, { phase: 'error', message: err.message }));
    }
  }, [items, update]);

  const liveKeys = new Set(
    items
      .filter((it) => it.phase === 'uploaded' && !it.final)
      .slice(0, LIVE_STREAMS)
      .map((it) => it.key),
  );

  function onDrop(event: DragEvent<HTMLLabelElement>) {
    event.preventDefault();
    setIsDragging(false);
    addFiles(event.dataTransfer.files);
  }

  return (
    <div className="uploader">
      <label
        className={`dropzone${isDragging ? ' dropzone--active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setIsDragging(true);
        }}
        onDragLeave={() => setIsDragging(false)}
        onDrop={onDrop}
      >
        <input
          className="visually-hidden"
          type="file"
          multiple
          accept={ACCEPTED_TYPES.join(',')}
          onChange={(e) => {
            if (e.currentTarget.files) addFiles(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
        <span className="dropzone__title">Drop images or videos here, or click to choose files</span>
        <span className="muted">
          JPEG, PNG, WebP, GIF, AVIF or TIFF up to {formatBytes(limits.imageMaxBytes)} · MP4, MOV, WebM or MKV
          up to {formatBytes(limits.videoMaxBytes)}
        </span>
      </label>

      {items.length > 0 && (
        <ul className="upload-list" aria-label="Uploads">
          {items.map((it) => (
            <li key={it.key} className={`upload-item upload-item--${it.phase}`}>
              <div className="upload-item__head">
                <span className="upload-item__name break-words">{it.file.name}</span>
                <span className="muted">{formatBytes(it.file.size)}</span>
              </div>
              {(it.phase === 'uploading' || it.phase === 'waiting') && (
                <div className="upload-item__progress">
                  <progress
                    max={it.file.size || 1}
                    value={it.loaded}
                    aria-label={`Uploading ${it.file.name}`}
                  />
                  <span className="muted">
                    {it.phase === 'waiting'
                      ? 'Waiting…'
                      : `${formatBytes(it.loaded)} of ${formatBytes(it.file.size)}`}
                  </span>
                </div>
              )}
              {(it.phase === 'invalid' || it.phase === 'error') && (
                <p className="alert alert--error" role="alert">
                  {it.message}
                </p>
              )}
              {it.phase === 'uploaded' && it.mediaId && (
                <div className="upload-item__done">
                  {liveKeys.has(it.key) ? (
                    <MediaStatusLive
                      mediaId={it.mediaId}
                      initial={{ status: 'QUEUED' }}
                      onSnapshot={(s) => {
                        if (s.status === 'READY' || s.status === 'FAILED') {
                          update(it.key, { final: { status: s.status, error: s.error } });
                        }
                      }}
                    />
                  ) : (
                    <MediaStatusLabel view={it.final ?? { status: 'QUEUED' }} />
                  )}
                  <Link href={`/media/${it.mediaId}`}>Open</Link>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

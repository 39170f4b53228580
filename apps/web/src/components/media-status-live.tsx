'use client';

import type { MediaStatusSnapshot } from '@fjord/api';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '@/trpc/react';
import { MediaStatusLabel, type StatusView } from './media-status-label';

type Snapshot = MediaStatusSnapshot;

/** Live status over SSE; `onSnapshot` lets a parent react (show the picture once READY). */
export function MediaStatusLive({
  mediaId,
  initial,
  onSnapshot,
}: {
  mediaId: string;
  initial: StatusView;
  onSnapshot?: (snapshot: Snapshot) => void;
}) {
  const trpc = useTRPC();
  const onSnapshotRef = useRef(onSnapshot);
  useEffect(() => {
    onSnapshotRef.current = onSnapshot;
  }, [onSnapshot]);
  // The server ends the stream right after the READY/FAILED snapshot. The hook's `data` resets when the
  // stream ends, and React may batch both updates into one render, so snapshots are taken from `onData`
  // (called for every message) and the subscription is switched off once the status is final.
  const [last, setLast] = useState<Snapshot | undefined>(undefined);
  const isFinal = last?.status === 'READY' || last?.status === 'FAILED';
  const sub = useSubscription(
    trpc.media.status.subscriptionOptions(
      { id: mediaId },
      {
        enabled: !isFinal,
        onData: (message) => {
          setLast(message.data);
          onSnapshotRef.current?.(message.data);
        },
      },
    ),
  );
  const view: StatusView = last ?? initial;
  return (
    <span aria-live="polite" aria-atomic="true">
      <MediaStatusLabel view={view} />
      {sub.status === 'error' && !last && (
        <span className="status__detail"> (live updates unavailable: {sub.error.message})</span>
      )}
    </span>
  );
}

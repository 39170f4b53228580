/** Why a running job was stopped: the media was deleted, or this worker is shutting down (retry elsewhere). */
export type CancelReason = 'deleted' | 'shutdown';

export type CancelRegistry = {
  /** A controller aborted when `cancel(mediaId)` or `cancelAll()` is called; release it when done. */
  register(mediaId: string): { signal: AbortSignal; release(): void };
  cancel(mediaId: string, reason?: CancelReason): number;
  cancelAll(reason: CancelReason): void;
};

/** Running jobs by media id, so a "deleted" event or SIGTERM can stop their ffmpeg at once. */
export function createCancelRegistry(): CancelRegistry {
  const running = new Map<string, Set<AbortController>>();
  return {
    register(mediaId) {
      const controller = new AbortController();
      let set = running.get(mediaId);
      if (!set) running.set(mediaId, (set = new Set()));
      set.add(controller);
      return {
        signal: controller.signal,
        release() {
          set.delete(controller);
          if (set.size === 0) running.delete(mediaId);
        },
      };
    },
    cancel(mediaId, reason = 'deleted') {
      const set = running.get(mediaId);
      for (const controller of set ?? []) controller.abort(reason);
      return set?.size ?? 0;
    },
    cancelAll(reason) {
      for (const set of running.values()) for (const controller of set) controller.abort(reason);
    },
  };
}

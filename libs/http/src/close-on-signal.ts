type ExitFn = (code?: number) => never;

export type SignalTarget = {
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  exit: ExitFn;
};

/**
 * Closes the web process's services (Postgres pool, Redis connections) on SIGTERM/SIGINT, after Next.
 * `next start` handles the signal itself: it stops accepting, lets pending requests finish, then calls
 * `process.exit`. Closing at the signal would pull the pool from under those requests, so the close
 * runs when Next exits instead (bounded by `timeoutMs`). With `NEXT_MANUAL_SIG_HANDLE` Next leaves the
 * signal alone, and this closes and exits by itself.
 */
export function closeOnSignal(deps: {
  target: SignalTarget;
  close: () => Promise<void>;
  isNextHandlingSignals: boolean;
  onError: (err: unknown) => void;
  timeoutMs?: number;
}): void {
  const { target } = deps;
  let isClosing = false;
  const closeBounded = async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deps.timeoutMs ?? 5_000);
      timer.unref();
    });
    await Promise.race([deps.close().catch(deps.onError), timeout]);
    clearTimeout(timer);
  };
  const onSignal = () => {
    if (isClosing) return;
    isClosing = true;
    const exit = target.exit;
    if (!deps.isNextHandlingSignals) {
      void closeBounded().then(() => exit(0));
      return;
    }
    target.exit = ((code?: number) => {
      void closeBounded().then(() => exit(code));
      return undefined as never;
    }) as ExitFn;
  };
  target.on('SIGTERM', onSignal);
  target.on('SIGINT', onSignal);
}

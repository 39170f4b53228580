import type { QueueLogger } from './logger';

/**
 * SIGTERM/SIGINT → `close()` (which lets in-flight jobs finish) → exit 0. A second signal exits at once,
 * for the operator who really means it.
 */
export function handleShutdownSignals(close: () => Promise<void>, logger: QueueLogger): void {
  let isClosing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (isClosing) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    isClosing = true;
    logger.info({ signal }, 'shutting down: finishing active jobs');
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

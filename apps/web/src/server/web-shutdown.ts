import { closeOnSignal, closeWebServices, peekServices } from '@fjord/http';

/** SIGTERM/SIGINT close the services this process opened (if it opened any) once Next has drained. */
export function registerWebShutdown(): void {
  closeOnSignal({
    target: process,
    // eslint-disable-next-line no-restricted-properties -- Next's own switch, read the way Next reads it
    isNextHandlingSignals: !process.env.NEXT_MANUAL_SIG_HANDLE,
    close: async () => {
      const services = peekServices();
      if (!services) return;
      services.logger.info({}, 'shutting down: closing Postgres and Redis connections');
      await closeWebServices(services);
    },
    onError: (err) => peekServices()?.logger.error({ err }, 'closing services on shutdown failed'),
  });
}

import { closeOnSignal, closeWebServices, peekServices, peekWebHttp } from '@fjord/http';
import { stopTracing } from '@fjord/observability';

/** SIGTERM/SIGINT close the services this process opened (if it opened any) once Next has drained. */
export function registerWebShutdown(): void {
  closeOnSignal({
    target: process,
    // eslint-disable-next-line no-restricted-properties -- Next's own switch, read the way Next reads it
    isNextHandlingSignals: !process.env.NEXT_MANUAL_SIG_HANDLE,
    close: async () => {
      // The /img cache writes behind answers already sent go first: they need Postgres and storage.
      await peekWebHttp()?.close();
      const services = peekServices();
      if (services) {
        services.logger.info({}, 'shutting down: closing Postgres and Redis connections');
        await closeWebServices(services);
      }
      // Last: the spans of the requests that just drained are exported before the process exits.
      await stopTracing();
    },
    onError: (err) => peekServices()?.logger.error({ err }, 'closing services on shutdown failed'),
  });
}

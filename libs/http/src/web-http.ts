import { createFilesHandler } from './handlers/files.handler';
import { createHealthHandlers } from './handlers/health.handler';
import { createStreamUploadHandler } from './handlers/stream-upload.handler';
import { createStreamHandler } from './stream/stream.handler';
import { createRestHandlers } from './rest-handlers';
import { getServices, type WebServices } from './services';
import { handleTrpcRequest } from './trpc-handler';
import { createTusUploadServer } from './tus/tus-upload.server';

/** Every HTTP endpoint of the web process, wired to one set of services: what the app's routes mount. */
export function createWebHttp(services: WebServices) {
  const tus = createTusUploadServer(services);
  return {
    rest: createRestHandlers(services),
    files: createFilesHandler(services),
    stream: createStreamHandler(services),
    upload: createStreamUploadHandler(services),
    health: createHealthHandlers(services),
    trpc: (req: Request) => handleTrpcRequest(req, services),
    tus: tus.handle,
    /** Stops the tus sweep; the services are closed by whoever created them. */
    close: tus.close,
  };
}

export type WebHttp = ReturnType<typeof createWebHttp>;

// On globalThis, like the services, so `next dev` reloading a route module does not build them again.
const holder = globalThis as typeof globalThis & { __fjordWebHttp?: WebHttp };

/** The process's handlers, built on the first request from getServices() (never at import). */
export function getWebHttp(): WebHttp {
  holder.__fjordWebHttp ??= createWebHttp(getServices());
  return holder.__fjordWebHttp;
}

import { createExportHandler } from './handlers/export.handler';
import { createFilesHandler } from './handlers/files.handler';
import { createHealthHandlers } from './handlers/health.handler';
import { createMetricsHandler } from './handlers/metrics.handler';
import { createImageTransformHandler } from './handlers/image-transform.handler';
import { createStreamUploadHandler } from './handlers/stream-upload.handler';
import { measureRoute as m } from './http-metrics';
import { createStreamHandler } from './stream/stream.handler';
import { createRestHandlers } from './rest-handlers';
import { getServices, type WebServices } from './services';
import { handleTrpcRequest } from './trpc-handler';
import { createTusUploadServer } from './tus/tus-upload.server';

/**
 * Every HTTP endpoint of the web process, wired to one set of services: what the app's routes mount.
 * Each is measured under the template of the route file that mounts it (apps/web/src/app/…/route.ts);
 * the REST v1 handlers measure themselves from the route table (REST_OPERATIONS), so a REST endpoint
 * is added in one place.
 */
export function createWebHttp(services: WebServices) {
  const tus = createTusUploadServer(services);
  const images = createImageTransformHandler(services);
  const health = createHealthHandlers(services);
  const ready = m('/api/health/ready', () => health.ready());
  return {
    /** REST v1: each timed by its operation's row in the route table (createRestApi), not listed here. */
    rest: createRestHandlers(services),
    exportAccount: m('/api/v1/export', createExportHandler(services)),
    files: m('/files/[mediaId]/[name]', createFilesHandler(services)),
    /** `settled()`: the cache writes behind answers already sent are done. */
    images: Object.assign(m('/img/[signature]/[options]/[mediaId]', images), { settled: images.settled }),
    stream: m('/stream/[token]/[mediaId]/[...file]', createStreamHandler(services)),
    upload: m('/api/uploads', createStreamUploadHandler(services)),
    health: { ready: () => ready(new Request('http://localhost/api/health/ready')) },
    trpc: m('/api/trpc/[trpc]', (req: Request) => handleTrpcRequest(req, services)),
    tus: m('/api/tus/[[...path]]', tus.handle),
    /** Not measured itself: a scrape every 15 s would be most of the histogram. */
    metrics: createMetricsHandler(services),
    /**
     * On shutdown: stops the tus sweep and waits for the /img cache writes behind answers already sent (a
     * lost one costs a render later, so at most `waitMs`). The services are closed by whoever made them.
     */
    close: async ({ waitMs = 5_000 }: { waitMs?: number } = {}) => {
      tus.close();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        images.settled(),
        new Promise((resolve) => (timer = setTimeout(resolve, waitMs).unref())),
      ]).finally(() => clearTimeout(timer));
    },
  };
}

export type WebHttp = ReturnType<typeof createWebHttp>;

// On globalThis, like the services, so `next dev` reloading a route module does not build them again.
const holder = globalThis as typeof globalThis & { __fjordWebHttp?: WebHttp };

/** The process's handlers if a request has built them, for shutdown; never builds them. */
export function peekWebHttp(): WebHttp | undefined {
  return holder.__fjordWebHttp;
}

/** The process's handlers, built on the first request from getServices() (never at import). */
export function getWebHttp(): WebHttp {
  holder.__fjordWebHttp ??= createWebHttp(getServices());
  return holder.__fjordWebHttp;
}

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
 * Each is measured under the template of the route file that mounts it (apps/web/src/app/…/route.ts).
 */
export function createWebHttp(services: WebServices) {
  const tus = createTusUploadServer(services);
  const rest = createRestHandlers(services);
  const health = createHealthHandlers(services);
  const ready = m('/api/health/ready', () => health.ready());
  const media = '/api/v1/media/[id]';
  return {
    rest: {
      listMedia: m('/api/v1/media', rest.listMedia),
      createMedia: m('/api/v1/media', rest.createMedia),
      getMedia: m(media, rest.getMedia),
      deleteMedia: m(media, rest.deleteMedia),
      reprocessMedia: m(`${media}/reprocess`, rest.reprocessMedia),
      listRenditions: m(`${media}/renditions`, rest.listRenditions),
      imageUrl: m(`${media}/image-url`, rest.imageUrl),
      captions: {
        listCaptions: m(`${media}/captions`, rest.captions.listCaptions),
        uploadCaption: m(`${media}/captions`, rest.captions.uploadCaption),
        deleteCaption: m(`${media}/captions/[lang]`, rest.captions.deleteCaption),
      },
      webhooks: {
        listWebhooks: m('/api/v1/webhooks', rest.webhooks.listWebhooks),
        createWebhook: m('/api/v1/webhooks', rest.webhooks.createWebhook),
        deleteWebhook: m('/api/v1/webhooks/[id]', rest.webhooks.deleteWebhook),
        listDeliveries: m('/api/v1/webhooks/[id]/deliveries', rest.webhooks.listDeliveries),
        redeliver: m('/api/v1/webhooks/deliveries/[id]/redeliver', rest.webhooks.redeliver),
      },
    },
    exportAccount: m('/api/v1/export', createExportHandler(services)),
    files: m('/files/[mediaId]/[name]', createFilesHandler(services)),
    images: m('/img/[signature]/[options]/[mediaId]', createImageTransformHandler(services)),
    stream: m('/stream/[token]/[mediaId]/[...file]', createStreamHandler(services)),
    upload: m('/api/uploads', createStreamUploadHandler(services)),
    health: { ready: () => ready(new Request('http://localhost/api/health/ready')) },
    trpc: m('/api/trpc/[trpc]', (req: Request) => handleTrpcRequest(req, services)),
    tus: m('/api/tus/[[...path]]', tus.handle),
    /** Not measured itself: a scrape every 15 s would be most of the histogram. */
    metrics: createMetricsHandler(services),
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

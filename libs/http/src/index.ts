export { closeWebServices, createWebServices, getServices, peekServices, type WebServices } from './services';
export { createWebHttp, getWebHttp, type WebHttp } from './web-http';
export type { FileParams } from './handlers/files.handler';
export type { ImageParams } from './handlers/image-transform.handler';
export { healthLive } from './handlers/health.handler';
// Each handler on its own, for a host that mounts only some (tests/pipeline runs tus with its own deps).
export { createTusUploadServer, TUS_PATH, type TusUploadDeps } from './tus/tus-upload.server';
export { createRestHandlers } from './rest-handlers';
export { closeOnSignal, type SignalTarget } from './close-on-signal';

export { closeWebServices, createWebServices, getServices, peekServices, type WebServices } from './services';
export { createWebHttp, getWebHttp, peekWebHttp, type WebHttp } from './web-http';
export type { FileParams } from './handlers/files.handler';
export type { StreamParams } from './stream/stream.handler';
export {
  renderHlsMaster,
  renderHlsMediaPlaylist,
  renderDashMpd,
  type SubtitleTrack,
} from './stream/stream-manifests';
export { signStreamToken, verifyStreamToken, streamUrl, SESSION_STREAM_TOKEN } from './stream/stream-token';
export { healthLive } from './handlers/health.handler';
// Each handler on its own, for a host that mounts only some (tests/pipeline runs tus with its own deps).
export { createTusUploadServer, TUS_PATH, type TusUploadDeps } from './tus/tus-upload.server';
export {
  createImageTransformHandler,
  type ImageParams,
  type ImageTransformDeps,
} from './handlers/image-transform.handler';
export { createRestHandlers } from './rest-handlers';
export { closeOnSignal, type SignalTarget } from './close-on-signal';

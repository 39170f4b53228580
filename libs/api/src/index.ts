export { appRouter, createCaller, type AppRouter, type RouterInputs, type RouterOutputs } from './root';
export { createContext, type ApiContext } from './context';
export { publicProcedure, authedProcedure, adminProcedure, createTRPCRouter } from './trpc';
export type { ApiServices } from './services';
export {
  findMediaForViewer,
  getMediaForViewer,
  listMediaForOwner,
  mediaVisibleTo,
  isUuid,
  MAX_PAGE_SIZE,
  type Viewer,
  type MediaListFilters,
} from './media/media-query.service';
export {
  toMediaDto,
  mediaFileUrl,
  THUMBNAIL_RENDITION,
  VIDEO_POSTER_RENDITION,
  VIDEO_THUMBNAIL_RENDITION,
  type MediaDto,
  type MediaPlaceholder,
  type RenditionDto,
} from './media/media.dto';
export {
  getMediaStatusSnapshot,
  isFinalStatus,
  type MediaStatusSnapshot,
} from './media/media-status.service';
export * from './rest/rest.schemas';
export * from './rest/image-url.schemas';
export * from './rest/health.schemas';
export { REST_OPERATIONS, type RestOperation } from './rest/rest-operations';
export { buildOpenApiDocument } from './rest/openapi.document';
export {
  createIdempotencyStore,
  hashRequestParts,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  type StoredResponse,
} from './rest/idempotency.service';
export { createAuthThrottle, type AuthThrottle } from './auth/auth-throttle.service';
export { createRateLimiter, type RateLimiter, type RateLimitResult } from './rest/rate-limit.service';
export * from './rest/webhook.schemas';
export {
  captionFileName,
  captionFileUrl,
  captionLangOf,
  captionTracksFor,
  createCaptionService,
  findCaptionFile,
  type CaptionRow,
  type CaptionService,
  type CaptionTrack,
} from './captions/caption.service';
export { CAPTION_MAX_BYTES, captionFormatOf, normalizeCaptions, type CaptionFormat } from './captions/caption-text';
export * from './captions/caption.schemas';

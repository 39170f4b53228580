export { sniffMediaType, describeUnsupported, SNIFF_BYTES, type SniffedMediaType } from './sniff-media-type';
export { sanitizeFilename } from './sanitize-filename';
export {
  createIngestService,
  formatMegabytes,
  type IngestDeps,
  type IngestService,
  type IngestUploadInput,
  type IngestUploadResult,
} from './ingest.service';
export { sweepStuckMedia, type SweepStuckMediaDeps } from './sweep-stuck-media.service';
export {
  sweepOrphanBlobs,
  type SweepOrphanBlobsDeps,
  type SweepOrphanBlobsResult,
} from './sweep-orphan-blobs.service';
export {
  redriveNotifications,
  redriveAccountEmails,
  NOTIFICATION_REDRIVE_WINDOW_MS,
  NOTIFY_SEND_LEASE_MS,
  type RedriveNotificationsDeps,
} from './redrive-notifications.service';
export { createMediaDeletion, type DeleteMediaDeps, type DeleteMediaResult } from './delete-media.service';
export { createMediaReprocessing, type ReprocessMediaDeps } from './reprocess-media.service';
export type { UploadBody } from './read-head';
export {
  createQuotaService,
  utcDay,
  type QuotaConfig,
  type QuotaLimits,
  type QuotaOverrides,
  type QuotaReport,
  type QuotaService,
  type QuotaUsage,
} from './quota.service';
export { ownerFlowPriority } from './fair-priority';
export {
  createUserErasure,
  resumeErasures,
  ERASED_MARKER,
  type EraseUserDeps,
  type EraseUserResult,
  type UserErasure,
} from './erasure/erase-user.service';
export { listOpenUploadIds, removeOpenUploads, TUS_UPLOAD_ID } from './erasure/tus-uploads';
export { openUserErasure } from './erasure/standalone-erasure';
export { buildAccountDocument, createUserExport, type ExportUserDeps } from './export/export-user.service';
export {
  buildMediaTimeline,
  formatMediaTimeline,
  type MediaTimeline,
  type TimelineEntry,
  type TimelineRow,
} from './media-timeline.service';
export {
  formatBulkReprocessPreview,
  measureImageRenderCost,
  previewBulkReprocess,
  runBulkReprocess,
  type BulkReprocessDeps,
  type BulkReprocessPreview,
  type BulkReprocessResult,
  type RenderCostSample,
} from './bulk-reprocess.service';
export {
  enqueueAccountEmail,
  requestVerificationEmail,
  VERIFICATION_EMAILS_PER_DAY,
  VERIFICATION_RESEND_INTERVAL_MS,
  type VerificationEmailDeps,
  type VerificationEmailRequest,
} from './verification-email.service';
export { acquireBulkReprocessLease, type BulkReprocessLease } from './bulk-reprocess-lease';
export {
  measurePresetRenderCost,
  previewBulkPresetRender,
  runBulkPresetRender,
  type BulkPresetRenderDeps,
  type BulkPresetRenderPreview,
  type BulkPresetRenderResult,
} from './bulk-render-presets.service';
export {
  createImageCache,
  type CachedImage,
  type ImageCache,
  type ImageCacheDeps,
} from './image-cache.service';

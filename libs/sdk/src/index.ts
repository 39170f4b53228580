export { signWebhookPayload, verifyWebhookSignature } from './webhook-signature';
export { createFjordClient, type FjordClient, type FjordClientOptions } from './fjord-client';
export { FjordApiError, isQuotaError } from './fjord-errors';
export {
  ResumableUploadError,
  TUS_UPLOAD_PATH,
  type ResumableSource,
  type ResumableUploadOptions,
  type ResumableUploadResult,
} from './resumable-upload';
export { SDK_OPERATIONS, type SdkOperation } from './sdk-operations';
export type * from './sdk.types';

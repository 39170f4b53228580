export { signWebhookPayload, verifyWebhookSignature } from './webhook-signature';
export { createFjordClient, FjordApiError, type FjordClient, type FjordClientOptions } from './fjord-client';
export { SDK_OPERATIONS, type SdkOperation } from './sdk-operations';
export type * from './sdk.types';

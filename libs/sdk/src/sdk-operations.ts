/** Every call the SDK makes; a test checks each against the OpenAPI document (libs/api). */
export const SDK_OPERATIONS = {
  uploadMedia: { method: 'POST', path: '/api/v1/media' },
  listMedia: { method: 'GET', path: '/api/v1/media' },
  getMedia: { method: 'GET', path: '/api/v1/media/{id}' },
  reprocessMedia: { method: 'POST', path: '/api/v1/media/{id}/reprocess' },
  listRenditions: { method: 'GET', path: '/api/v1/media/{id}/renditions' },
  getImageUrl: { method: 'GET', path: '/api/v1/media/{id}/image-url' },
  listCaptions: { method: 'GET', path: '/api/v1/media/{id}/captions' },
  uploadCaption: { method: 'POST', path: '/api/v1/media/{id}/captions' },
  deleteCaption: { method: 'DELETE', path: '/api/v1/media/{id}/captions/{lang}' },
  createWebhook: { method: 'POST', path: '/api/v1/webhooks' },
  listWebhooks: { method: 'GET', path: '/api/v1/webhooks' },
  deleteWebhook: { method: 'DELETE', path: '/api/v1/webhooks/{id}' },
  // uploadResumable (resumable-upload.ts): tus create, offset and append.
  createResumableUpload: { method: 'POST', path: '/api/tus' },
  getResumableUploadOffset: { method: 'HEAD', path: '/api/tus/{uploadId}' },
  appendResumableUpload: { method: 'PATCH', path: '/api/tus/{uploadId}' },
} as const;
export type SdkOperation = keyof typeof SDK_OPERATIONS;

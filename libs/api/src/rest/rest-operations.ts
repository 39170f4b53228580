/** Every REST v1 operation: the route table the OpenAPI document, the handlers' scopes and the SDK check share. */
export type RestOperation = {
  operationId:
    | 'createMedia'
    | 'listMedia'
    | 'getMedia'
    | 'deleteMedia'
    | 'reprocessMedia'
    | 'listRenditions'
    | 'getImageUrl'
    | 'listCaptions'
    | 'uploadCaption'
    | 'deleteCaption'
    | 'createWebhook'
    | 'listWebhooks'
    | 'deleteWebhook'
    | 'listWebhookDeliveries'
    | 'redeliverWebhook';
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  summary: string;
  scope: 'media:read' | 'media:write' | 'webhooks:manage';
};

export const REST_OPERATIONS: readonly RestOperation[] = [
  {
    operationId: 'createMedia',
    method: 'POST',
    path: '/api/v1/media',
    summary: 'Upload an image (multipart field "file")',
    scope: 'media:write',
  },
  {
    operationId: 'listMedia',
    method: 'GET',
    path: '/api/v1/media',
    summary: 'List your media (cursor pagination, filters)',
    scope: 'media:read',
  },
  {
    operationId: 'getMedia',
    method: 'GET',
    path: '/api/v1/media/:id',
    summary: 'Get one media',
    scope: 'media:read',
  },
  {
    operationId: 'deleteMedia',
    method: 'DELETE',
    path: '/api/v1/media/:id',
    summary: 'Delete a media: stops its processing and removes its files',
    scope: 'media:write',
  },
  {
    operationId: 'reprocessMedia',
    method: 'POST',
    path: '/api/v1/media/:id/reprocess',
    summary: 'Run a finished media through processing again (409 while it still runs)',
    scope: 'media:write',
  },
  {
    operationId: 'listRenditions',
    method: 'GET',
    path: '/api/v1/media/:id/renditions',
    summary: 'List renditions with signed download URLs',
    scope: 'media:read',
  },
  {
    operationId: 'getImageUrl',
    method: 'GET',
    path: '/api/v1/media/:id/image-url',
    summary: 'A signed, expiring URL of an on-the-fly transform (size, crop, format) of an image',
    scope: 'media:read',
  },
  {
    operationId: 'listCaptions',
    method: 'GET',
    path: '/api/v1/media/:id/captions',
    summary: 'List the caption tracks of a video',
    scope: 'media:read',
  },
  {
    operationId: 'uploadCaption',
    method: 'POST',
    path: '/api/v1/media/:id/captions',
    summary: 'Add or replace the captions of one language (WebVTT or SRT body)',
    scope: 'media:write',
  },
  {
    operationId: 'deleteCaption',
    method: 'DELETE',
    path: '/api/v1/media/:id/captions/:lang',
    summary: 'Remove the captions of one language',
    scope: 'media:write',
  },

  {
    operationId: 'createWebhook',
    method: 'POST',
    path: '/api/v1/webhooks',
    summary: 'Register a webhook endpoint',
    scope: 'webhooks:manage',
  },
  {
    operationId: 'listWebhooks',
    method: 'GET',
    path: '/api/v1/webhooks',
    summary: 'List your webhook endpoints',
    scope: 'webhooks:manage',
  },
  {
    operationId: 'deleteWebhook',
    method: 'DELETE',
    path: '/api/v1/webhooks/:id',
    summary: 'Remove a webhook endpoint',
    scope: 'webhooks:manage',
  },
  {
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: '/api/v1/webhooks/:id/deliveries',
    summary: 'The delivery log of an endpoint (last 50)',
    scope: 'webhooks:manage',
  },
  {
    operationId: 'redeliverWebhook',
    method: 'POST',
    path: '/api/v1/webhooks/deliveries/:id/redeliver',
    summary: 'Send a delivery again',
    scope: 'webhooks:manage',
  },
];

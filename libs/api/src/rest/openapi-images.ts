import { errorResponse, pathParam, type JsonObject } from './openapi-parts';

const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: { type: 'string' },
});

const bytes = (description: string) => ({
  description,
  content: { 'image/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
});

/**
 * `/img/{signature}/{options}/{mediaId}`: on-the-fly transforms (docs/adr/0020). No credentials: the
 * signature (from GET /api/v1/media/{id}/image-url) is the authorization, and it covers the options.
 */
export function imagePaths(): Record<string, JsonObject> {
  const operation = (method: 'get' | 'head') => ({
    operationId: method === 'get' ? 'getTransformedImage' : 'headTransformedImage',
    summary:
      method === 'get'
        ? 'An image resized, cropped and encoded on the fly from a signed URL'
        : 'The headers of a transformed image without the bytes',
    tags: ['files'],
    security: [{}],
    parameters: [
      pathParam('signature', 'HMAC-SHA256 of the options and the media id (base64url).'),
      pathParam(
        'options',
        'Comma-separated key:value pairs: w, h, fit, g, dpr, q, f, blur, sharpen, preset, exp (unix seconds).',
      ),
      pathParam('mediaId', 'Media id.'),
      header('Accept', 'With f:auto: image/avif, else image/webp, else JPEG (the answer Varies on Accept).'),
      header('Range', 'One byte range, `bytes=<start>-[<end>]` or `bytes=-<suffix>`.'),
      header('If-None-Match', 'An ETag from an earlier response: 304 when it still matches.'),
      header('If-Range', 'Honour Range only while the ETag still matches.'),
    ],
    responses: {
      '200': bytes('The transformed image.'),
      '206': bytes('The requested range (see Content-Range).'),
      '304': { description: 'Not modified: the If-None-Match ETag still matches.' },
      '400': errorResponse(
        'An unknown, malformed or out-of-range option, or a combination that is not allowed.',
      ),
      '403': errorResponse('The signature does not match the options and media id, or the URL has expired.'),
      '404': errorResponse('No such image, not READY, or deleted.'),
      '416': { description: 'The range lies outside the file (see Content-Range: bytes */<size>).' },
      '503': errorResponse('Too many renders in progress on this server; retry after Retry-After seconds.'),
    },
  });
  return { '/img/{signature}/{options}/{mediaId}': { get: operation('get'), head: operation('head') } };
}

import { BYTES_CONTENT, errorResponse, pathParam, type JsonObject } from './openapi-parts';

const requestHeader = (name: string, description: string) => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: { type: 'string' },
});

/**
 * `/files/{mediaId}/{name}` as the files handler answers it: GET and HEAD, signed URLs or credentials,
 * byte ranges and ETag revalidation. The bytes carry the file's own media type, hence `*\/*`.
 */
export function filesPaths(): Record<string, JsonObject> {
  const operation = (method: 'get' | 'head') => ({
    operationId: method === 'get' ? 'downloadFile' : 'headFile',
    summary:
      method === 'get'
        ? 'Download an original or a rendition: a signed URL (no credentials) or a session / API key'
        : 'The headers of a download (size, type, ETag) without the bytes',
    tags: ['files'],
    security: [{}, { apiKey: [] }],
    'x-fjord-scope': 'media:read',
    parameters: [
      pathParam('mediaId', 'Media id.'),
      pathParam('name', 'Rendition name, "original", or "caption-<lang>" (a WebVTT track, text/vtt).'),
      { name: 'expires', in: 'query', required: false, schema: { type: 'integer' } },
      { name: 'sig', in: 'query', required: false, schema: { type: 'string' } },
      requestHeader('Range', 'One byte range, `bytes=<start>-[<end>]` or `bytes=-<suffix>`.'),
      requestHeader('If-None-Match', 'An ETag from an earlier response: 304 when it still matches.'),
      requestHeader('If-Range', 'Honour Range only while the ETag still matches.'),
    ],
    responses: {
      '200': {
        description: 'The bytes, with the media type of the file.',
        content: BYTES_CONTENT,
      },
      '206': {
        description: 'The requested range (see Content-Range).',
        content: BYTES_CONTENT,
      },
      '304': { description: 'Not modified: the If-None-Match ETag still matches.' },
      '401': errorResponse('No signed URL and no valid session or API key.'),
      '403': errorResponse('The signature is wrong or has expired, or the key lacks media:read.'),
      '404': errorResponse('Not found, or not yours.'),
      '416': { description: 'The range lies outside the file (see Content-Range: bytes */<size>).' },
    },
  });
  return { '/files/{mediaId}/{name}': { get: operation('get'), head: operation('head') } };
}

import { errorResponse, ref, type JsonObject } from './openapi-parts';
import { MediaCreatedSchema } from './rest.schemas';

/** The raw-body upload (`application/octet-stream`): its name and, optionally, its digest travel in headers. */
export const STREAM_UPLOAD_HEADERS = [
  {
    name: 'X-Filename',
    in: 'header',
    required: false,
    description: 'Streamed uploads: the file name, URI-encoded (default "upload").',
    schema: { type: 'string', maxLength: 1024 },
  },
  {
    name: 'Content-Digest',
    in: 'header',
    required: false,
    description:
      'Streamed uploads (RFC 9530): `sha-256=:<base64 of the SHA-256 of the file>:`. Fjord checks it against the bytes it stored and keeps nothing on a mismatch. Required with an Idempotency-Key on a streamed upload: it is how a repeat is recognised without reading the file twice.',
    schema: { type: 'string', pattern: 'sha-256=:' },
  },
];

/**
 * `POST /api/uploads`: the web app's streamed upload (a same-origin session) that also takes an API key.
 * Unlike REST v1 it has no rate limit and no Idempotency-Key; services that want those use /api/v1/media.
 */
export function uploadsPaths(storageFull: string): Record<string, JsonObject> {
  return {
    '/api/uploads': {
      post: {
        operationId: 'streamUpload',
        summary: 'Upload one file as the raw request body (the web app; a session or an API key)',
        tags: ['uploads'],
        security: [{ session: [] }, { apiKey: [] }],
        'x-fjord-scope': 'media:write',
        parameters: [
          ...STREAM_UPLOAD_HEADERS,
          {
            name: 'filename',
            in: 'query',
            required: false,
            description: 'The file name when X-Filename is not sent.',
            schema: { type: 'string' },
          },
        ],
        requestBody: {
          required: true,
          description: 'The file itself, with its own media type or application/octet-stream.',
          content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
        },
        responses: {
          '202': {
            description: 'Stored and queued.',
            content: { 'application/json': { schema: ref(MediaCreatedSchema) } },
          },
          '400': errorResponse(
            'No body, not a supported image or video, or a Content-Digest that does not match the bytes (`digest_mismatch`: nothing was kept).',
          ),
          '401': errorResponse('No valid session and no valid API key.'),
          '403': errorResponse('A session request from another origin (CSRF), or a key without media:write.'),
          '413': errorResponse('Larger than VIDEO_UPLOAD_MAX_BYTES.'),
          '507': errorResponse(storageFull),
        },
      },
    },
  };
}

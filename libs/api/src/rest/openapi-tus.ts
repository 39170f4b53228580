import { errorResponse, pathParam, type JsonObject } from './openapi-parts';

const STORAGE_FULL =
  'Insufficient Storage (`storage_full`): the server has no room left; no media was created. Retry later.';

const header = (description: string, schema: JsonObject = { type: 'string' }, required = true) => ({
  description,
  required,
  schema,
});
const tusResumable = {
  name: 'Tus-Resumable',
  in: 'header',
  required: true,
  description: 'The tus protocol version: always `1.0.0`.',
  schema: { type: 'string', const: '1.0.0' },
};
const uploadId = pathParam('uploadId', 'From the Location of the creation response.');
const OFFSET_HEADER = header('Bytes the server has stored so far.', { type: 'integer', minimum: 0 });
// tus itself answers some refusals in plain text, before Fjord's hooks run.
const tusError = (description: string) =>
  errorResponse(description, { 'text/plain': { schema: { type: 'string' } } });

/**
 * `/api/tus` as OpenAPI operations. tus 1.0 (https://tus.io/protocols/resumable-upload) is a protocol of
 * its own, so this describes the subset a client needs: create, ask the offset, append, cancel.
 */
export function tusPaths(): Record<string, JsonObject> {
  const common = {
    tags: ['uploads'],
    security: [{ apiKey: [] }],
    'x-fjord-scope': 'media:write',
  };
  const expired = tusError(
    'The upload expired (TUS_UPLOAD_EXPIRY_MS after its creation, `gone`): start a new one.',
  );
  const notFound = tusError('No such upload, or not yours (uploads are private to their creator).');
  // Every tus request authenticates like the creation: the same two refusals on each.
  const refusals = {
    '401': tusError('Missing, unknown or revoked API key (or no session).'),
    '403': tusError('The key lacks media:write, or a session request came from another origin.'),
  };
  return {
    '/api/tus': {
      post: {
        ...common,
        operationId: 'createResumableUpload',
        summary: 'Start a resumable upload (tus creation); videos up to VIDEO_UPLOAD_MAX_BYTES',
        description:
          'Then PATCH the bytes to the Location. An upload not resumed for 24 h is deleted. The SDK does all of this in `uploadResumable`.',
        parameters: [
          tusResumable,
          {
            name: 'Upload-Length',
            in: 'header',
            required: true,
            description: 'Total size of the file in bytes.',
            schema: { type: 'integer', minimum: 1 },
          },
          {
            name: 'Upload-Metadata',
            in: 'header',
            required: false,
            description:
              'Comma-separated `key base64(value)` pairs: `filename` (shown in Fjord), optionally `filetype` (logged, never trusted: the bytes decide).',
            schema: { type: 'string', examples: ['filename dHJpcC5tcDQ=,filetype dmlkZW8vbXA0'] },
          },
        ],
        responses: {
          '201': {
            description: 'Created: PATCH the file to Location (keep it to resume later).',
            headers: {
              Location: header(
                'The upload URL, relative: `/api/tus/<uploadId>` (resolve it against the URL called).',
                {
                  type: 'string',
                  format: 'uri-reference',
                },
              ),
              'Tus-Resumable': header('1.0.0'),
            },
          },
          '401': tusError('Missing, unknown or revoked API key.'),
          '403': tusError('The key lacks media:write.'),
          '413': tusError(
            'Upload-Length is larger than VIDEO_UPLOAD_MAX_BYTES, or than the room left in the storage quota (`quota_exceeded`).',
          ),
          '429': tusError(
            "Too many unfinished uploads (TUS_MAX_OPEN_UPLOADS_PER_USER); finish or cancel one. Or today's uploads are used up (`daily_quota_exceeded`).",
          ),
          '507': tusError(STORAGE_FULL),
        },
      },
    },
    '/api/tus/{uploadId}': {
      head: {
        ...common,
        operationId: 'getResumableUploadOffset',
        summary: 'How much of the upload the server has (resume from Upload-Offset)',
        parameters: [uploadId, tusResumable],
        responses: {
          '410': expired,
          '200': {
            description:
              'The offset to resume from. For a day after the upload finished (its last answer may have been lost), its owner gets Upload-Offset = Upload-Length and the media id.',
            headers: {
              'Upload-Offset': OFFSET_HEADER,
              'Upload-Length': header('Total size.'),
              'Upload-Media-Id': header(
                'Only once the upload has finished: the id of its media (GET /api/v1/media/{id}).',
                { type: 'string', format: 'uuid' },
                false,
              ),
            },
          },
          ...refusals,
          '404': notFound,
        },
      },
      patch: {
        ...common,
        operationId: 'appendResumableUpload',
        summary: 'Append bytes at Upload-Offset; the last PATCH ingests the file and answers its media id',
        parameters: [
          uploadId,
          tusResumable,
          {
            name: 'Upload-Offset',
            in: 'header',
            required: true,
            description: 'Must equal the server’s offset (from HEAD or the previous PATCH).',
            schema: { type: 'integer', minimum: 0 },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/offset+octet-stream': {
              schema: { type: 'string', contentMediaType: 'application/octet-stream' },
            },
          },
        },
        responses: {
          '204': {
            description:
              'Stored. On the PATCH that completes the upload, the file has been checked and queued like any upload.',
            headers: {
              'Upload-Offset': OFFSET_HEADER,
              'Upload-Media-Id': header(
                'Only on the completing PATCH: the id of the new media (GET /api/v1/media/{id}).',
                { type: 'string', format: 'uuid' },
                false,
              ),
            },
          },
          '400': tusError('The finished file is not a supported image or video (`unsupported_type`).'),
          ...refusals,
          '404': notFound,
          '409': tusError('Upload-Offset does not match the server: HEAD and resume from its offset.'),
          '413': tusError(
            'More bytes than Upload-Length, or past VIDEO_UPLOAD_MAX_BYTES (`too_large`), or the finished file no longer fits the storage quota (`quota_exceeded`; a parallel upload took the room).',
          ),
          '429': tusError(
            "The finished file is refused: today's uploads or video minutes are used up (`daily_quota_exceeded`).",
          ),
          '415': tusError('Content-Type is not application/offset+octet-stream.'),
          '410': expired,
          '507': tusError(
            `${STORAGE_FULL} The bytes stored before the disk filled stay resumable (HEAD gives the offset); when the completing PATCH gets it, the upload is gone and must start again.`,
          ),
        },
      },
      delete: {
        ...common,
        operationId: 'cancelResumableUpload',
        summary: 'Abandon an upload and delete its bytes (tus termination)',
        parameters: [uploadId, tusResumable],
        responses: { '204': { description: 'Deleted.' }, ...refusals, '404': notFound },
      },
    },
  };
}

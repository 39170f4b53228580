import { CaptionListSchema, CaptionSchema, CAPTION_MAX_TRACKS } from '../captions/caption.schemas';
import { CAPTION_MAX_BYTES } from '../captions/caption-text';
import { errorResponse, ok, pathParam, type JsonObject } from './openapi-parts';
import type { RestOperation } from './rest-operations';

export const CAPTION_COMPONENTS = [CaptionSchema, CaptionListSchema];

const mediaId = pathParam('id', 'Media id (uuid); a video.');

/** The caption operations of the OpenAPI document (list: media:read; upload, delete: media:write). */
export function captionOperation(
  op: RestOperation,
  base: JsonObject,
  common: JsonObject,
  storageFull: string,
): JsonObject {
  const notFound = { '404': errorResponse('Not found, or not yours.') };
  switch (op.operationId) {
    case 'listCaptions':
      return {
        ...base,
        parameters: [mediaId],
        responses: { '200': ok(CaptionListSchema, 'The tracks, by language.'), ...notFound, ...common },
      };
    case 'uploadCaption':
      return {
        ...base,
        description: `WebVTT as is, SRT converted to WebVTT. At most ${CAPTION_MAX_BYTES / 1024} KB, UTF-8 (a BOM is fine), every cue timing valid; NOTE/STYLE/REGION blocks are dropped. Up to ${CAPTION_MAX_TRACKS} languages per video; a second upload for a language replaces it.`,
        parameters: [
          mediaId,
          {
            name: 'lang',
            in: 'query',
            required: true,
            description: 'BCP-47 language tag, e.g. "en", "pt-BR" (stored canonical: "en-us" → "en-US").',
            schema: { type: 'string', minLength: 2, maxLength: 35 },
          },
          {
            name: 'label',
            in: 'query',
            required: true,
            description: 'What the player’s captions menu shows, e.g. "English".',
            schema: { type: 'string', minLength: 1, maxLength: 64 },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'text/vtt': { schema: { type: 'string' } },
            'application/x-subrip': { schema: { type: 'string' } },
          },
        },
        responses: {
          '201': ok(CaptionSchema, 'Stored (replacing the track of that language, if any).'),
          '400': errorResponse(
            'Not WebVTT/SRT (the message names the line at fault), not UTF-8, another Content-Type, a bad lang or label, or the media is an image.',
          ),
          ...notFound,
          '409': errorResponse(`The video has ${CAPTION_MAX_TRACKS} tracks already; delete one first.`),
          '413': errorResponse(`Larger than ${CAPTION_MAX_BYTES / 1024} KB.`),
          '507': errorResponse(storageFull),
          ...common,
        },
      };
    default:
      return {
        ...base,
        parameters: [mediaId, pathParam('lang', 'The track’s language tag.')],
        responses: {
          '204': { description: 'Removed with its file.' },
          '400': errorResponse('Not a language tag.'),
          '404': errorResponse('Not found, not yours, or no track in that language.'),
          ...common,
        },
      };
  }
}

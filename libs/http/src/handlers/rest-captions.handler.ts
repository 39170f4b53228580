import { createHash } from 'node:crypto';
import {
  CAPTION_MAX_BYTES,
  CaptionLangSchema,
  CaptionUploadQuerySchema,
  captionFileUrl,
  captionFormatOf,
  createCaptionService,
  type CaptionList,
  type CaptionRow,
  type IdempotencyStore,
  type RestCaption,
} from '@fjord/api';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import type { BlobStore } from '@fjord/storage';
import { jsonError } from '../http-error';
import { readLimitedBytes } from '../limited-body';
import { keyOwnerMedia, parseRestInput, type createRestApi } from '../rest-api';
import { withIdempotency } from '../rest-idempotency';

export type RestCaptionsDeps = {
  db: DbClient;
  storage: Pick<BlobStore, 'put' | 'delete'>;
  config: Pick<Config, 'FJORD_PUBLIC_URL'>;
  restApi: ReturnType<typeof createRestApi>;
  idempotency: IdempotencyStore;
};

/** REST captions of a video: list (media:read), upload and delete (media:write); the key owner's media only. */
export function createRestCaptionsHandlers(deps: RestCaptionsDeps) {
  const captions = createCaptionService(deps);
  const toRest = (mediaId: string, row: CaptionRow): RestCaption => ({
    lang: row.lang,
    label: row.label,
    bytes: row.bytes,
    createdAt: row.createdAt.toISOString(),
    url: new URL(captionFileUrl(mediaId, row.lang), deps.config.FJORD_PUBLIC_URL).toString(),
  });

  /** GET /api/v1/media/:id/captions */
  const listCaptions = (req: Request, id: string) =>
    deps.restApi(req, 'listCaptions', async (principal) => {
      const media = await keyOwnerMedia(deps.db, principal, id);
      const rows = await captions.listCaptions(media.id);
      const body: CaptionList = { mediaId: media.id, items: rows.map((r) => toRest(media.id, r)) };
      return Response.json(body);
    });

  /** POST /api/v1/media/:id/captions?lang=&label= — body text/vtt or application/x-subrip; replaces that language. */
  const uploadCaption = (req: Request, id: string) =>
    deps.restApi(req, 'uploadCaption', async (principal) => {
      // Whose media first: a stranger learns nothing from how the body is refused.
      const media = await keyOwnerMedia(deps.db, principal, id);
      const format = captionFormatOf(req.headers.get('content-type'));
      if (!format) {
        throw new AppError(
          'unsupported_type',
          'Send the captions as text/vtt (WebVTT) or application/x-subrip (SRT).',
        );
      }
      const query = parseRestInput(
        CaptionUploadQuerySchema,
        Object.fromEntries(new URL(req.url).searchParams),
      );
      const body = await readLimitedBytes(req, CAPTION_MAX_BYTES, 'A caption file');
      const parts: [string, string][] = [
        ['lang', query.lang],
        ['label', query.label],
        ['format', format],
        ['sha-256', createHash('sha256').update(body).digest('hex')],
      ];
      return withIdempotency(
        { store: deps.idempotency, req, apiKeyId: principal.apiKeyId, parts },
        async () => {
          const row = await captions.putCaption({ media, ...query, body, format });
          return Response.json(toRest(media.id, row), { status: 201 });
        },
      );
    });

  /** DELETE /api/v1/media/:id/captions/:lang */
  const deleteCaption = (req: Request, id: string, lang: string) =>
    deps.restApi(req, 'deleteCaption', async (principal) => {
      const media = await keyOwnerMedia(deps.db, principal, id);
      const tag = parseRestInput(CaptionLangSchema, lang);
      if (!(await captions.deleteCaption(media.id, tag))) {
        return jsonError('not_found', `This video has no captions in "${tag}".`);
      }
      return new Response(null, { status: 204 });
    });

  return { listCaptions, uploadCaption, deleteCaption };
}

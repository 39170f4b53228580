import { ImageUrlQuerySchema, isUuid, mediaVisibleTo, type ImageUrl, type ImageUrlQuery } from '@fjord/api';
import { signImagePath } from '@fjord/auth';
import type { Config } from '@fjord/config';
import type { DbClient } from '@fjord/db';
import { formatImageOptions, imageLimitsOf, resolveImageOptions } from '@fjord/media';
import { jsonError, mediaNotFound } from '../http-error';
import type { createRestApi } from '../rest-api';
import { parseRestInput } from '../rest-api';
import { viewerOf } from '../request-auth';
import type { ImageTransformConfig } from './image-transform.handler';

export type RestImageUrlDeps = {
  db: DbClient;
  config: ImageTransformConfig &
    Pick<Config, 'FJORD_PUBLIC_URL' | 'SIGNED_URL_TTL_SECONDS' | 'IMAGE_URL_TTL_SECONDS'>;
  restApi: ReturnType<typeof createRestApi>;
  urlSigningSecret: string;
  now?: () => Date;
};

/** The query spelled out → the URL grammar, in its one canonical order (what gets signed). */
export function imageOptionsOf(query: ImageUrlQuery, expires: number): string {
  return formatImageOptions({
    preset: query.preset,
    w: query.width,
    h: query.height,
    fit: query.fit,
    g: query.gravity,
    dpr: query.dpr,
    q: query.quality,
    f: query.format,
    blur: query.blur,
    sharpen: query.sharpen,
    exp: expires,
  });
}

/**
 * GET /api/v1/media/:id/image-url — a signed /img URL, minted only for whoever may read the media (its
 * owner's key, an admin's) and only for options the transform would accept, so a bad URL fails here.
 */
export function createRestImageUrlHandler(deps: RestImageUrlDeps) {
  const { config } = deps;
  const ttlSeconds = config.IMAGE_URL_TTL_SECONDS ?? config.SIGNED_URL_TTL_SECONDS;
  return (req: Request, id: string) =>
    deps.restApi(req, 'getImageUrl', async (principal) => {
      const query = parseRestInput(ImageUrlQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
      const media = isUuid(id)
        ? await deps.db.media.findFirst({
            where: mediaVisibleTo(viewerOf(principal), id),
            select: { id: true, kind: true, status: true },
          })
        : null;
      if (!media) throw mediaNotFound();
      if (media.kind !== 'IMAGE') return jsonError('conflict', 'Only images have on-the-fly transforms.');
      if (media.status !== 'READY') {
        return jsonError(
          'conflict',
          `This image is ${media.status.toLowerCase()}; ask again once it is READY.`,
        );
      }
      const expires = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000) + ttlSeconds;
      const options = imageOptionsOf(query, expires);
      resolveImageOptions(options, imageLimitsOf(config));
      const path = signImagePath({ secret: deps.urlSigningSecret, options, mediaId: media.id });
      const body: ImageUrl = {
        url: new URL(path, config.FJORD_PUBLIC_URL).toString(),
        expiresAt: new Date(expires * 1000).toISOString(),
      };
      return Response.json(body);
    });
}

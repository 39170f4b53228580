import type { RenditionList } from '@fjord/api';
import { signFilePath } from '@fjord/auth';
import type { Config } from '@fjord/config';
import { keyOwnerMedia, type createRestApi } from '../rest-api';

export type RestRenditionsDeps = {
  db: Parameters<typeof keyOwnerMedia>[0];
  config: Pick<Config, 'FJORD_PUBLIC_URL' | 'SIGNED_URL_TTL_SECONDS'>;
  restApi: ReturnType<typeof createRestApi>;
  urlSigningSecret: string;
  now?: () => Date;
};

/** GET /api/v1/media/:id/renditions — download URLs that work without credentials until they expire. */
export function createRestRenditionsHandler(deps: RestRenditionsDeps) {
  return (req: Request, id: string) =>
    deps.restApi(req, 'listRenditions', async (principal) => {
      const media = await keyOwnerMedia(deps.db, principal, id);
      const expiresAt = new Date(
        (deps.now?.() ?? new Date()).getTime() + deps.config.SIGNED_URL_TTL_SECONDS * 1000,
      );
      const body: RenditionList = {
        mediaId: media.id,
        items: media.renditions.map((r) => {
          const signed = signFilePath({ secret: deps.urlSigningSecret, filePath: r.url, expiresAt });
          return {
            name: r.name,
            format: r.format,
            mimeType: r.mimeType,
            width: r.width,
            height: r.height,
            bytes: r.bytes,
            url: new URL(`${r.url}?${signed.query}`, deps.config.FJORD_PUBLIC_URL).toString(),
            expiresAt: new Date(signed.expires * 1000).toISOString(),
          };
        }),
      };
      return Response.json(body);
    });
}

import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { getMediaForViewer } from '../media/media-query.service';
import { MediaByIdInputSchema } from '../media/media.schemas';
import type { ApiServices } from '../services';
import { authedProcedure } from '../trpc';
import { CAPTION_MAX_BYTES } from './caption-text';
import { captionFileUrl, createCaptionService } from './caption.service';
import { CaptionLabelSchema, CaptionLangSchema } from './caption.schemas';

const UploadCaptionInputSchema = z.object({
  id: z.string().min(1).max(100),
  lang: CaptionLangSchema,
  label: CaptionLabelSchema,
  format: z.enum(['vtt', 'srt']),
  // Characters, not bytes: the byte limit is checked on the encoded text by normalizeCaptions.
  text: z.string().max(CAPTION_MAX_BYTES),
});

const captionsOf = (ctx: { services: ApiServices }) => createCaptionService(ctx.services);

/** The web app's captions: owner or admin, like every media procedure; a stranger gets NOT_FOUND. */
export const captionsRouter = {
  list: authedProcedure.input(MediaByIdInputSchema).query(async ({ ctx, input }) => {
    const media = await getMediaForViewer({ db: ctx.services.db, viewer: ctx.user, id: input.id });
    const rows = await captionsOf(ctx).listCaptions(media.id);
    return rows.map((r) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      url: captionFileUrl(media.id, r.lang),
    }));
  }),
  upload: authedProcedure.input(UploadCaptionInputSchema).mutation(async ({ ctx, input }) => {
    const media = await getMediaForViewer({ db: ctx.services.db, viewer: ctx.user, id: input.id });
    const row = await captionsOf(ctx).putCaption({
      media,
      lang: input.lang,
      label: input.label,
      format: input.format,
      body: new TextEncoder().encode(input.text),
    });
    return { ...row, createdAt: row.createdAt.toISOString(), url: captionFileUrl(media.id, row.lang) };
  }),
  remove: authedProcedure
    .input(z.object({ id: z.string().min(1).max(100), lang: CaptionLangSchema }))
    .mutation(async ({ ctx, input }) => {
      const media = await getMediaForViewer({ db: ctx.services.db, viewer: ctx.user, id: input.id });
      return { deleted: await captionsOf(ctx).deleteCaption(media.id, input.lang) };
    }),
} satisfies TRPCRouterRecord;

import { authedProcedure } from '../trpc';
import { getMediaForViewer } from './media-query.service';
import { MediaByIdInputSchema } from './media.schemas';

/** Owner or admin; a stranger gets NOT_FOUND. Stops any processing in flight (its ffmpeg is killed). */
export const deleteProcedure = authedProcedure
  .input(MediaByIdInputSchema)
  .mutation(async ({ ctx, input }) => {
    await getMediaForViewer({ db: ctx.services.db, viewer: ctx.user, id: input.id });
    const { deleted } = await ctx.services.deleteMedia(input.id);
    return { deleted };
  });

import { getMediaForViewer } from './media-query.service';
import { authedProcedure } from '../trpc';
import { MediaByIdInputSchema } from './media.schemas';

export const byIdProcedure = authedProcedure
  .input(MediaByIdInputSchema)
  .query(({ ctx, input }) => getMediaForViewer({ db: ctx.services.db, viewer: ctx.user, id: input.id }));

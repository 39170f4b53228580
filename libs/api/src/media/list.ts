import { listMediaForOwner } from './media-query.service';
import { authedProcedure } from '../trpc';
import { ListMediaInputSchema } from './media.schemas';

/** "My media": the signed-in user's own uploads, newest first. */
export const listProcedure = authedProcedure.input(ListMediaInputSchema).query(({ ctx, input }) =>
  listMediaForOwner({
    db: ctx.services.db,
    ownerId: ctx.user.id,
    cursor: input.cursor,
    limit: input.limit,
  }),
);

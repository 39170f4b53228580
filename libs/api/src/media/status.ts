import { authedProcedure } from '../trpc';
import { getMediaForViewer } from './media-query.service';
import { MediaStatusInputSchema } from './media.schemas';
import { streamMediaStatus } from './media-status.stream';

/** SSE: current state first, then each change; ends at READY or FAILED. */
export const statusProcedure = authedProcedure
  .input(MediaStatusInputSchema)
  .subscription(async ({ ctx, input, signal }) => {
    // Checked before the stream starts, so a stranger gets NOT_FOUND instead of an empty stream.
    await getMediaForViewer({ db: ctx.services.db, viewer: ctx.user, id: input.id });
    return streamMediaStatus({ services: ctx.services, mediaId: input.id, signal });
  });

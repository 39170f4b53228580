import { revokeApiKey } from '@fjord/auth';
import { AppError } from '@fjord/errors';
import { authedProcedure } from '../trpc';
import { RevokeApiKeyInputSchema } from './api-keys.schemas';

/** Revokes one of the user's own keys; someone else's key looks exactly like a missing one. */
export const revokeApiKeyProcedure = authedProcedure
  .input(RevokeApiKeyInputSchema)
  .mutation(async ({ ctx, input }) => {
    const isRevoked = await revokeApiKey(ctx.services.db, { id: input.id, userId: ctx.user.id });
    if (!isRevoked) throw new AppError('not_found', 'This API key does not exist or is already revoked.');
    return { id: input.id };
  });

import { createApiKey } from '@fjord/auth';
import { authedProcedure } from '../trpc';
import { CreateApiKeyInputSchema } from './api-keys.schemas';

/** Creates a key for the signed-in user; the full key is in this response only and never stored. */
export const createApiKeyProcedure = authedProcedure
  .input(CreateApiKeyInputSchema)
  .mutation(async ({ ctx, input }) => {
    const { key, apiKey } = await createApiKey({
      db: ctx.services.db,
      userId: ctx.user.id,
      name: input.name,
      scopes: input.scopes,
    });
    return { key, id: apiKey.id, prefix: apiKey.prefix, name: apiKey.name, scopes: apiKey.scopes };
  });
